package dev.topiary.model;

/**
 * Settings for one generation.
 *
 * @param maxNewTokens the most tokens to generate after the prompt
 * @param temperature 0 for greedy decoding, otherwise the softmax temperature
 * @param topP nucleus sampling: sample from the smallest set of tokens whose probability reaches this; 1 keeps all
 * @param seed the random seed for sampling
 */
public record GenerationOptions(int maxNewTokens, double temperature, double topP, long seed) {

    public GenerationOptions {
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("max new tokens must be 0 or more, got " + maxNewTokens);
        }
        if (temperature < 0 || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("temperature must be 0 (greedy) or positive, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        }
    }

    /** Greedy decoding of up to {@code maxNewTokens} tokens. */
    public static GenerationOptions greedy(int maxNewTokens) {
        return new GenerationOptions(maxNewTokens, 0, 1, 0);
    }
}
