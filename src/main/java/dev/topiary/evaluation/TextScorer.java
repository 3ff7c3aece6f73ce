package dev.topiary.evaluation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.topiary.activations.ActivationRecorder;
import dev.topiary.activations.CaptureProgress;
import dev.topiary.activations.Prompt;
import dev.topiary.activations.PromptSet;
import dev.topiary.model.LanguageModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Scores every next token of a text set, optionally against a reference model. A text longer than the window
 * is cut into windows that start {@code stride} tokens apart; each window scores only the tokens no earlier
 * window scored, with the tokens before them as context, so every token is scored exactly once and long texts
 * are scored fully. Windows of several texts run as one right-padded batch. Call on the engine thread.
 */
public final class TextScorer {

    private TextScorer() {}

    /** One window: its tokens and the first position whose next token it scores. */
    private record Window(int[] tokens, int firstScored) {}

    /**
     * Scores the set.
     *
     * @param reference a model with the same vocabulary for KL and top-1 agreement, or null
     * @param window the longest window in tokens; at most the model's context
     * @param stride how far apart windows of a long text start; below {@code window}, so that each window has
     *     at least one token of context before the first token it scores
     */
    public static TextMetrics score(LanguageModel model, LanguageModel reference, PromptSet texts, int window,
            int stride, int batchSize, CaptureProgress progress, BooleanSupplier cancelled) {
        check(model, reference, texts, window, stride, batchSize);
        List<Window> windows = new ArrayList<>();
        for (Prompt text : texts.prompts()) {
            windows.addAll(windows(model.tokenizer().encode(text.text()), window, stride));
        }
        if (windows.isEmpty()) {
            throw new IllegalArgumentException("The text set '" + texts.name() + "' has no text of two or more tokens "
                    + "to score; add longer texts.");
        }

        int vocab = model.config().vocabSize();
        double crossEntropy = 0;
        double kl = 0;
        long agreements = 0;
        long tokens = 0;
        for (int first = 0; first < windows.size() && !cancelled.getAsBoolean(); first += batchSize) {
            List<Window> batch = windows.subList(first, Math.min(windows.size(), first + batchSize));
            int[][] padded = pad(batch);
            int length = padded[0].length;
            float[] logProbabilities = logProbabilities(model, padded); // [B, T, V]
            float[] referenceLogProbabilities = reference == null ? null : logProbabilities(reference, padded);
            for (int b = 0; b < batch.size(); b++) {
                Window scored = batch.get(b);
                for (int t = scored.firstScored; t + 1 < scored.tokens.length; t++) {
                    int offset = (b * length + t) * vocab;
                    crossEntropy -= logProbabilities[offset + scored.tokens[t + 1]];
                    if (referenceLogProbabilities != null) {
                        kl += klDivergence(referenceLogProbabilities, logProbabilities, offset, vocab);
                        agreements += argmax(logProbabilities, offset, vocab)
                                == argmax(referenceLogProbabilities, offset, vocab) ? 1 : 0;
                    }
                    tokens++;
                }
            }
            progress.update(Math.min(windows.size(), first + batchSize), windows.size());
        }
        double count = Math.max(1, tokens);
        return new TextMetrics(tokens, crossEntropy / count, reference == null ? Double.NaN : kl / count,
                reference == null ? Double.NaN : agreements / count);
    }

    private static void check(LanguageModel model, LanguageModel reference, PromptSet texts, int window, int stride,
            int batchSize) {
        if (model.tokenizer() == null) {
            throw new IllegalArgumentException(model.source() + " has no tokenizer, so the texts cannot be encoded.");
        }
        if (texts.size() == 0) {
            throw new IllegalArgumentException("The text set '" + texts.name() + "' is empty.");
        }
        if (window < 2 || window > model.config().maxPositionEmbeddings()) {
            throw new IllegalArgumentException("The window must be between 2 and the model's context of "
                    + model.config().maxPositionEmbeddings() + " tokens, got " + window + ".");
        }
        if (stride < 1 || stride >= window) {
            throw new IllegalArgumentException("The stride must be at least 1 and smaller than the window (" + window
                    + "), so that consecutive windows overlap by a token or more; got " + stride + ".");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("The batch size must be at least 1, got " + batchSize + ".");
        }
        if (reference != null && reference.config().vocabSize() != model.config().vocabSize()) {
            throw new IllegalArgumentException("The reference model " + reference.name() + " has a vocabulary of "
                    + reference.config().vocabSize() + " tokens but " + model.name() + " has "
                    + model.config().vocabSize() + "; KL divergence needs the same vocabulary. Use a reference "
                    + "from the same model family.");
        }
    }

    /**
     * Cuts a token sequence into windows. The first window scores from its start; each later window starts
     * {@code stride} tokens after the previous one and scores only the positions past the previous window's end.
     */
    static List<Window> windows(int[] tokens, int window, int stride) {
        List<Window> windows = new ArrayList<>();
        if (tokens.length < 2) {
            return windows;
        }
        int scoredUpTo = 0; // positions before this have had their next token scored
        for (int start = 0; scoredUpTo < tokens.length - 1; start += stride) {
            int end = Math.min(tokens.length, start + window);
            windows.add(new Window(Arrays.copyOfRange(tokens, start, end), scoredUpTo - start));
            scoredUpTo = end - 1;
        }
        return windows;
    }

    private static int[][] pad(List<Window> batch) {
        int length = batch.stream().mapToInt(w -> w.tokens.length).max().orElse(0);
        int[][] padded = new int[batch.size()][length];
        for (int b = 0; b < batch.size(); b++) {
            System.arraycopy(batch.get(b).tokens, 0, padded[b], 0, batch.get(b).tokens.length);
        }
        return padded;
    }

    private static float[] logProbabilities(LanguageModel model, int[][] tokens) {
        try (NDScope scope = new NDScope()) {
            NDArray logits = model.transformer().forward(tokens, null, ActivationRecorder.NONE, false); // [B, T, V]
            return logits.logSoftmax(2).toFloatArray();
        }
    }

    /** Returns KL(p || q) in nats for log-probabilities p and q of one position. */
    private static double klDivergence(float[] logP, float[] logQ, int offset, int vocab) {
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            double p = Math.exp(logP[offset + i]);
            if (p > 0) {
                sum += p * (logP[offset + i] - logQ[offset + i]);
            }
        }
        return Math.max(0, sum);
    }

    private static int argmax(float[] values, int offset, int count) {
        int best = 0;
        for (int i = 1; i < count; i++) {
            if (values[offset + i] > values[offset + best]) {
                best = i;
            }
        }
        return best;
    }
}
