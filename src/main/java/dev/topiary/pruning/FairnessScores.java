package dev.topiary.pruning;

/**
 * Combines neuron importance with neuron bias so that neurons which react strongly to the attribute but matter
 * little for the task are pruned first.
 */
public final class FairnessScores {

    private FairnessScores() {}

    /**
     * Returns {@code importance / max(importance) - biasWeight * bias / max(bias)} per layer, [L][F]: the
     * lowest scores are pruned first.
     */
    public static float[][] combine(float[][] importance, float[][] bias, double biasWeight) {
        if (!(biasWeight >= 0)) {
            throw new IllegalArgumentException("--bias-weight must be 0 or more, got " + biasWeight + ".");
        }
        float[][] scores = new float[importance.length][];
        for (int layer = 0; layer < importance.length; layer++) {
            double maxImportance = max(importance[layer]);
            double maxBias = max(bias[layer]);
            scores[layer] = new float[importance[layer].length];
            for (int neuron = 0; neuron < importance[layer].length; neuron++) {
                double task = maxImportance > 0 ? importance[layer][neuron] / maxImportance : 0;
                double attribute = maxBias > 0 ? bias[layer][neuron] / maxBias : 0;
                scores[layer][neuron] = (float) (task - biasWeight * attribute);
            }
        }
        return scores;
    }

    private static double max(float[] values) {
        double max = 0;
        for (float value : values) {
            max = Math.max(max, value);
        }
        return max;
    }
}
