package dev.topiary.evaluation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.topiary.activations.ActivationRecorder;
import dev.topiary.activations.CaptureProgress;
import dev.topiary.model.LanguageModel;
import dev.topiary.model.tokenizer.TextTokenizer;
import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * Scores a multiple-choice task: each choice by the log-likelihood of its tokens given the context. Accuracy
 * picks the highest sum; length-normalised accuracy divides each sum by the choice's length in UTF-8 bytes
 * first, as lm-evaluation-harness's {@code acc_norm} does. Call on the engine thread.
 */
public final class ChoiceScorer {

    private ChoiceScorer() {}

    /** Accuracy figures of one task. */
    public record Result(String task, int items, double accuracy, double normalizedAccuracy, double chance) {}

    /** Scores every item; items after {@code cancelled} turns true are left out. */
    public static Result score(LanguageModel model, ChoiceTask task, CaptureProgress progress,
            BooleanSupplier cancelled) {
        TextTokenizer tokenizer = model.tokenizer();
        if (tokenizer == null) {
            throw new IllegalArgumentException(model.source() + " has no tokenizer, so the task cannot be encoded.");
        }
        int correct = 0;
        int correctNormalized = 0;
        int done = 0;
        double chance = 0;
        for (ChoiceTask.Item item : task.items()) {
            if (cancelled.getAsBoolean()) {
                break;
            }
            int[] context = tokenizer.encode(item.context());
            int best = 0;
            int bestNormalized = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            double bestNormalizedScore = Double.NEGATIVE_INFINITY;
            for (int choice = 0; choice < item.choices().size(); choice++) {
                String text = item.choices().get(choice);
                double logLikelihood = continuationLogLikelihood(model, context, item.context(), text);
                double normalized = logLikelihood / Math.max(1, text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
                if (logLikelihood > bestScore) {
                    bestScore = logLikelihood;
                    best = choice;
                }
                if (normalized > bestNormalizedScore) {
                    bestNormalizedScore = normalized;
                    bestNormalized = choice;
                }
            }
            correct += best == item.gold() ? 1 : 0;
            correctNormalized += bestNormalized == item.gold() ? 1 : 0;
            chance += 1.0 / item.choices().size();
            done++;
            progress.update(done, task.items().size());
        }
        int count = Math.max(1, done);
        return new Result(task.name(), done, (double) correct / count, (double) correctNormalized / count,
                chance / count);
    }

    /**
     * Returns the log-likelihood of the choice's tokens after the context. The choice's tokens are the tail of
     * the encoding of context + choice after the context's own tokens, so tokenizers that merge across the
     * boundary still see the text the way they would in running prose.
     */
    static double continuationLogLikelihood(LanguageModel model, int[] context, String contextText, String choice) {
        int[] whole = model.tokenizer().encode(contextText + choice);
        int shared = 0;
        while (shared < context.length && shared < whole.length && context[shared] == whole[shared]) {
            shared++;
        }
        // When the last context token merges with the choice, score from the first differing token.
        int first = Math.max(1, shared);
        int limit = model.config().maxPositionEmbeddings();
        int[] tokens = whole.length > limit ? Arrays.copyOfRange(whole, whole.length - limit, whole.length) : whole;
        int offset = whole.length - tokens.length;
        int vocab = model.config().vocabSize();
        float[] logProbabilities;
        try (NDScope scope = new NDScope()) {
            NDArray logits = model.transformer().forward(new int[][] {tokens}, null, ActivationRecorder.NONE, false);
            logProbabilities = logits.logSoftmax(2).toFloatArray(); // [1, T, V]
        }
        double sum = 0;
        for (int position = Math.max(first, offset + 1); position < whole.length; position++) {
            int t = position - offset;
            sum += logProbabilities[(t - 1) * vocab + tokens[t]];
        }
        return sum;
    }
}
