package dev.topiary.pruning;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The reaction of a model's MLP neurons and outputs to paired prompts that differ in one attribute.
 *
 * @param neuronBias [L][F], per neuron the mean over pairs of (|a_last - b_last| + |mean_a - mean_b|) / 2, where
 *     a_last is the activation at the last token of prompt a and mean_a its mean over all tokens
 * @param layerMeanDifference [L], the mean over neurons and pairs of |mean_a - mean_b|
 * @param pca [L][2P][2], the first two principal components of the per-prompt mean activations of every layer:
 *     rows 2i and 2i+1 are prompts a and b of pair i
 * @param divergences one entry per pair
 */
public record BiasReport(float[][] neuronBias, double[] layerMeanDifference, float[][][] pca,
        List<PairDivergence> divergences) {

    /** One entry of the list of most biased neurons. */
    public record BiasedNeuron(int layer, int neuron, float bias) {}

    /** Returns the mean symmetric KL divergence of the next-token distributions over all pairs, in nats. */
    public double meanSymmetricKl() {
        return divergences.stream().mapToDouble(PairDivergence::symmetricKl).average().orElse(0);
    }

    /** Returns the fraction of pairs whose most likely next token differs. */
    public double topTokenChangeRate() {
        return divergences.stream().filter(PairDivergence::topTokenChanged).count() / (double) divergences.size();
    }

    /**
     * Returns the bias score: the mean over layers of {@link #layerMeanDifference}, the mean absolute difference
     * of MLP activations between the prompts of a pair. Pruned neurons contribute 0.
     */
    public double meanActivationDifference() {
        double total = 0;
        for (double difference : layerMeanDifference) {
            total += difference;
        }
        return total / layerMeanDifference.length;
    }

    /** Returns the {@code count} neurons with the largest bias, largest first. */
    public List<BiasedNeuron> mostBiased(int count) {
        List<BiasedNeuron> all = new ArrayList<>();
        for (int layer = 0; layer < neuronBias.length; layer++) {
            for (int neuron = 0; neuron < neuronBias[layer].length; neuron++) {
                all.add(new BiasedNeuron(layer, neuron, neuronBias[layer][neuron]));
            }
        }
        all.sort(Comparator.comparingDouble(BiasedNeuron::bias).reversed());
        return all.subList(0, Math.min(count, all.size()));
    }
}
