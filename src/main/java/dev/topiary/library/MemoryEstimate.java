package dev.topiary.library;

import dev.topiary.model.ModelConfig;

/**
 * Estimated memory a model needs on its device, in bytes. Weights and optimizer state are exact products of
 * the shapes. Activations are estimates: the largest working set of one forward pass for inference and capture,
 * and all activations a forward pass saves for the backward pass for training.
 *
 * @param weights parameters x bytes per element
 * @param inference weights, the KV cache for {@code batch x sequence} tokens, and one layer's working set plus
 *     the logits
 * @param capture inference plus the per-layer activations a capture reduces on the device
 * @param training weights, gradients and two AdamW moments for every parameter, plus the activations a backward
 *     pass keeps for every layer and the logits with their gradient, all in float32 whatever the inference dtype,
 *     because training rejects float16 models
 */
public record MemoryEstimate(long weights, long inference, long capture, long training) {

    /** The longest context the load check, {@code topiary info} and the window's picker estimate for. */
    public static final int MAX_CHECK_SEQUENCE = 4096;

    private static final int FLOAT32_BYTES = 4;

    /** Returns the sequence length memory checks use: the model's context, capped at {@link #MAX_CHECK_SEQUENCE}. */
    public static int checkSequence(ModelConfig config) {
        return Math.min(config.maxPositionEmbeddings(), MAX_CHECK_SEQUENCE);
    }

    /**
     * Estimates for a batch of {@code batch} sequences of {@code sequence} tokens, with weights and inference
     * activations in elements of {@code bytes} (4 for float32, 2 for float16) and training in float32.
     */
    public static MemoryEstimate of(ModelConfig config, int bytes, int batch, int sequence) {
        long parameters = config.parameterCount();
        long tokens = (long) batch * sequence;
        long d = config.hiddenSize();
        long f = config.intermediateSize();
        long v = config.vocabSize();
        long layers = config.numHiddenLayers();
        long kvPerToken = 2L * layers * config.numKeyValueHeads() * config.headDim();
        long attentionScores = (long) batch * config.numAttentionHeads() * sequence * (long) sequence;

        long weights = parameters * bytes;
        long layerWorkingSet = tokens * (4 * d + 3 * f) + attentionScores;
        long inference = weights + (kvPerToken * tokens + layerWorkingSet + tokens * v) * bytes;
        long capture = inference + tokens * (2 * d + f) * bytes;
        long savedActivations = layers * (tokens * (10 * d + 4 * f) + 2 * attentionScores);
        long training = 4 * parameters * FLOAT32_BYTES + (savedActivations + 2 * tokens * v) * FLOAT32_BYTES;
        return new MemoryEstimate(weights, inference, capture, training);
    }

    /** Formats a byte count as GiB or MiB. */
    public static String format(long bytes) {
        double gib = bytes / (double) (1L << 30);
        return gib >= 1 ? String.format(java.util.Locale.ROOT, "%.2f GiB", gib)
                : String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }
}
