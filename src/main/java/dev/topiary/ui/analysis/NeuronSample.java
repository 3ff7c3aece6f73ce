package dev.topiary.ui.analysis;

/**
 * Values the inspector computes in the background for one neuron.
 *
 * @param values the neuron's activation at every token of the first {@code prompts} prompts, or null when the
 *     prompt set is not available
 * @param prompts how many prompts the values cover
 * @param norms the neuron's weight norms
 */
public record NeuronSample(float[] values, int prompts, WeightNorms norms) {}
