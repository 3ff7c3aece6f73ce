package dev.topiary.model;

import java.util.Arrays;

/**
 * A preview of pruning that changes no weight: MLP neurons multiplied by zero and decoder layers skipped, so that
 * the residual stream passes a skipped layer unchanged. A model pruned by the same plan computes the same
 * logits, up to float rounding.
 *
 * @param neuronMasks per layer, a [F] array of 1 (kept) and 0 (removed), or null to keep every neuron of it
 * @param skippedLayers per layer, whether it is skipped
 */
public record Ablation(float[][] neuronMasks, boolean[] skippedLayers) {

    /** Returns an ablation that changes nothing for a model of {@code layers} layers. */
    public static Ablation none(int layers) {
        return new Ablation(new float[layers][], new boolean[layers]);
    }

    /** Returns whether the ablation changes nothing. */
    public boolean isEmpty() {
        for (int layer = 0; layer < skippedLayers.length; layer++) {
            if (skippedLayers[layer] || neuronMasks[layer] != null) {
                return false;
            }
        }
        return true;
    }

    /** Returns how many neurons of a layer are removed. */
    public int removedNeurons(int layer) {
        float[] mask = neuronMasks[layer];
        if (mask == null) {
            return 0;
        }
        return (int) Arrays.stream(toDoubles(mask)).filter(value -> value == 0).count();
    }

    private static double[] toDoubles(float[] values) {
        double[] result = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = values[i];
        }
        return result;
    }
}
