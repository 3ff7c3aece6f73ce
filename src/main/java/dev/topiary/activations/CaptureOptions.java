package dev.topiary.activations;

/**
 * Settings for capturing activations over a prompt set.
 *
 * @param batchSize prompts per forward pass; shorter prompts are padded and the padding is masked out
 * @param topK examples kept per neuron
 * @param threshold an activation above this counts as active
 * @param maxTokens prompts longer than this (and than the model's context) are truncated
 */
public record CaptureOptions(int batchSize, int topK, float threshold, int maxTokens) {

    public CaptureOptions {
        if (batchSize < 1) {
            throw new IllegalArgumentException("The batch size must be at least 1, got " + batchSize + ".");
        }
        if (topK < 1) {
            throw new IllegalArgumentException("The top-k must be at least 1, got " + topK + ".");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("The max tokens per prompt must be at least 1, got " + maxTokens + ".");
        }
    }

    /** Batch size 8, 10 top examples, threshold 0, prompts up to 512 tokens. */
    public static CaptureOptions defaults() {
        return new CaptureOptions(8, 10, 0f, 512);
    }
}
