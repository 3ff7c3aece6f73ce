package dev.topiary.activations;

/**
 * The inputs and settings an analysis was computed from.
 *
 * @param modelName the model's display name
 * @param modelSource the path the model was loaded from
 * @param promptSetName the prompt set's name
 * @param promptSetSource the prompt file, or an empty string for a set built in code
 * @param promptsDone how many prompts were captured; fewer than {@code promptCount} when cancelled
 * @param promptCount how many prompts the set has
 * @param tokens how many tokens the statistics cover, BOS included
 * @param truncatedPrompts how many prompts were cut to the model's context length
 * @param batchSize prompts per forward pass
 * @param threshold the activation above which a token counts as active
 * @param topK examples kept per neuron
 */
public record AnalysisInfo(String modelName, String modelSource, String promptSetName, String promptSetSource,
        int promptsDone, int promptCount, long tokens, int truncatedPrompts, int batchSize, float threshold,
        int topK) {

    /** Returns whether the capture stopped before the end of the prompt set. */
    public boolean partial() {
        return promptsDone < promptCount;
    }
}
