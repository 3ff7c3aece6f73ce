package dev.topiary.evaluation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.topiary.activations.ActivationRecorder;
import dev.topiary.activations.PromptSet;
import dev.topiary.model.LanguageModel;
import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * Perplexity of a model on a text set: {@code exp} of the mean cross-entropy of every next token, each text
 * scored on its own from BOS and truncated to the model's context. Call on the engine thread.
 */
public final class Perplexity {

    private Perplexity() {}

    /** The mean cross-entropy in nats per token, the token count, and the perplexity. */
    public record Result(double meanCrossEntropy, long tokens) {

        public double perplexity() {
            return Math.exp(meanCrossEntropy);
        }
    }

    /** Scores every text of the set; texts after {@code cancelled} turns true are left out. */
    public static Result compute(LanguageModel model, PromptSet texts, BooleanSupplier cancelled) {
        if (model.tokenizer() == null) {
            throw new IllegalArgumentException(model.source() + " has no tokenizer, so the texts cannot be encoded.");
        }
        int context = model.config().maxPositionEmbeddings();
        int vocab = model.config().vocabSize();
        double total = 0;
        long tokens = 0;
        for (var text : texts.prompts()) {
            if (cancelled.getAsBoolean()) {
                break;
            }
            int[] ids = model.tokenizer().encode(text.text());
            if (ids.length > context) {
                ids = Arrays.copyOf(ids, context);
            }
            if (ids.length < 2) {
                continue;
            }
            float[] logProbabilities;
            try (NDScope scope = new NDScope()) {
                NDArray logits = model.transformer().forward(new int[][] {ids}, null, ActivationRecorder.NONE, false);
                logProbabilities = logits.logSoftmax(2).toFloatArray(); // [1, T, V]
            }
            for (int t = 0; t + 1 < ids.length; t++) {
                total -= logProbabilities[t * vocab + ids[t + 1]];
                tokens++;
            }
        }
        if (tokens == 0) {
            throw new IllegalArgumentException("The text set '" + texts.name() + "' has no text of two or more tokens "
                    + "to score.");
        }
        return new Result(total / tokens, tokens);
    }
}
