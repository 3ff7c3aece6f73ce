package dev.topiary.model;

import ai.djl.ndarray.NDScope;
import dev.topiary.activations.ActivationRecorder;
import dev.topiary.engine.TensorEngine;
import java.nio.file.Path;
import java.util.Arrays;

/** Loads models and runs forward passes on the shared engine thread, returning plain Java arrays. */
public final class ModelRuns {

    private ModelRuns() {}

    /** Loads a Hugging Face folder or a llama2.c file with the tokenizer found beside it. */
    public static LanguageModel load(Path path) throws ModelFormatException {
        return LanguageModel.load(TensorEngine.get(), path, null);
    }

    /** Closes a model on the engine thread, which owns its arrays. */
    public static void close(LanguageModel model) {
        TensorEngine.get().call(manager -> {
            model.close();
            return null;
        });
    }

    /** Runs one forward pass without a cache over a sequence that starts at position 0; returns logits [T][V]. */
    public static float[][] logits(LanguageModel model, int[] tokens) {
        float[] flat = TensorEngine.get().call(manager -> {
            try (NDScope scope = new NDScope()) {
                return model.transformer()
                        .forward(new int[][] {tokens}, null, ActivationRecorder.NONE, false)
                        .toFloatArray(); // [1, T, V]
            }
        });
        return rows(flat, tokens.length);
    }

    /**
     * Feeds the first {@code prefill} tokens in one pass through a fresh KV cache, then the rest one token per
     * pass, and returns the last-position logits of every pass: [1 + T - prefill][V].
     */
    public static float[][] cachedLogits(LanguageModel model, int[] tokens, int prefill) {
        int passes = 1 + tokens.length - prefill;
        float[] flat = TensorEngine.get().call(manager -> {
            int vocab = model.config().vocabSize();
            float[] result = new float[passes * vocab];
            try (KvCache cache = new KvCache(model.manager(), model.config().numHiddenLayers())) {
                for (int pass = 0; pass < passes; pass++) {
                    int[] input = pass == 0
                            ? Arrays.copyOf(tokens, prefill)
                            : new int[] {tokens[prefill + pass - 1]};
                    try (NDScope scope = new NDScope()) {
                        float[] logits = model.transformer()
                                .forward(new int[][] {input}, cache, ActivationRecorder.NONE, true)
                                .toFloatArray(); // [1, 1, V]
                        System.arraycopy(logits, 0, result, pass * vocab, vocab);
                    }
                }
            }
            return result;
        });
        return rows(flat, passes);
    }

    /**
     * Greedy decoding driven here rather than by {@link Generator}: argmax of the last-position logits, fed
     * back through a KV cache, for exactly {@code count} tokens. End-of-sequence ids do not stop it.
     */
    public static int[] greedyWithCache(LanguageModel model, int[] prompt, int count) {
        return TensorEngine.get().call(manager -> {
            int[] generated = new int[count];
            try (KvCache cache = new KvCache(model.manager(), model.config().numHiddenLayers())) {
                int[] input = prompt;
                for (int step = 0; step < count; step++) {
                    float[] logits;
                    try (NDScope scope = new NDScope()) {
                        logits = model.transformer()
                                .forward(new int[][] {input}, cache, ActivationRecorder.NONE, true)
                                .toFloatArray(); // [1, 1, V]
                    }
                    generated[step] = argmax(logits);
                    input = new int[] {generated[step]};
                }
            }
            return generated;
        });
    }

    /** Returns the index of the largest value, the first one on ties. */
    public static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    private static float[][] rows(float[] flat, int count) {
        int width = flat.length / count;
        float[][] rows = new float[count][width];
        for (int row = 0; row < count; row++) {
            System.arraycopy(flat, row * width, rows[row], 0, width);
        }
        return rows;
    }
}
