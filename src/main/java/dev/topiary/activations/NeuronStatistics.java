package dev.topiary.activations;

/**
 * Streaming statistics of the MLP neurons, [L][F], over every token of a prompt set. Memory grows with layers x
 * neurons, never with tokens: each batch adds its sums and maxima, and the metrics are derived from the
 * totals. Sums are kept in double because a float loses the small terms of a long run.
 */
public final class NeuronStatistics {

    private final int layers;
    private final int neurons;
    private final float threshold;
    private long tokens;
    private final double[][] sum;
    private final double[][] sumAbs;
    private final double[][] sumSquares;
    private final float[][] max;
    private final long[][] active;

    /**
     * @param threshold an activation above this counts as "active" for {@link NeuronMetric#FRACTION_ACTIVE}
     */
    public NeuronStatistics(int layers, int neurons, float threshold) {
        this.layers = layers;
        this.neurons = neurons;
        this.threshold = threshold;
        this.sum = new double[layers][neurons];
        this.sumAbs = new double[layers][neurons];
        this.sumSquares = new double[layers][neurons];
        this.max = new float[layers][neurons];
        this.active = new long[layers][neurons];
        for (float[] row : max) {
            java.util.Arrays.fill(row, Float.NEGATIVE_INFINITY);
        }
    }

    /**
     * Adds one batch's reductions for one layer. Every array has one entry per neuron.
     *
     * @param batchSum sum of activations over the batch's valid tokens
     * @param batchSumAbs sum of absolute activations
     * @param batchSumSquares sum of squared activations
     * @param batchMax largest activation
     * @param batchActive number of tokens above the threshold
     */
    public void add(int layer, float[] batchSum, float[] batchSumAbs, float[] batchSumSquares, float[] batchMax,
            float[] batchActive) {
        for (int n = 0; n < neurons; n++) {
            sum[layer][n] += batchSum[n];
            sumAbs[layer][n] += batchSumAbs[n];
            sumSquares[layer][n] += batchSumSquares[n];
            max[layer][n] = Math.max(max[layer][n], batchMax[n]);
            active[layer][n] += Math.round(batchActive[n]);
        }
    }

    /** Records that a batch of {@code count} valid tokens was added to every layer. */
    public void addTokens(long count) {
        tokens += count;
    }

    /** Restores statistics from saved totals. */
    static NeuronStatistics restore(float threshold, long tokens, double[][] sum, double[][] sumAbs,
            double[][] sumSquares, float[][] max, long[][] active) {
        NeuronStatistics statistics = new NeuronStatistics(sum.length, sum[0].length, threshold);
        statistics.tokens = tokens;
        for (int layer = 0; layer < sum.length; layer++) {
            statistics.sum[layer] = sum[layer].clone();
            statistics.sumAbs[layer] = sumAbs[layer].clone();
            statistics.sumSquares[layer] = sumSquares[layer].clone();
            statistics.max[layer] = max[layer].clone();
            statistics.active[layer] = active[layer].clone();
        }
        return statistics;
    }

    public int layers() {
        return layers;
    }

    public int neurons() {
        return neurons;
    }

    /** Returns the activation above which a token counts as active. */
    public float threshold() {
        return threshold;
    }

    /** Returns the number of tokens the statistics cover. */
    public long tokens() {
        return tokens;
    }

    /** Returns one metric of one neuron. */
    public double value(NeuronMetric metric, int layer, int neuron) {
        double count = Math.max(1, tokens);
        return switch (metric) {
            case MEAN -> sum[layer][neuron] / count;
            case MEAN_ABS -> sumAbs[layer][neuron] / count;
            case STD -> {
                double mean = sum[layer][neuron] / count;
                yield Math.sqrt(Math.max(0, sumSquares[layer][neuron] / count - mean * mean));
            }
            case MAX -> tokens == 0 ? 0 : max[layer][neuron];
            case FRACTION_ACTIVE -> active[layer][neuron] / count;
            case L2 -> Math.sqrt(sumSquares[layer][neuron]);
        };
    }

    /** Returns one metric for every neuron, [L][F]. */
    public float[][] matrix(NeuronMetric metric) {
        float[][] values = new float[layers][neurons];
        for (int layer = 0; layer < layers; layer++) {
            for (int neuron = 0; neuron < neurons; neuron++) {
                values[layer][neuron] = (float) value(metric, layer, neuron);
            }
        }
        return values;
    }

    double[][] sum() {
        return sum;
    }

    double[][] sumAbs() {
        return sumAbs;
    }

    double[][] sumSquares() {
        return sumSquares;
    }

    float[][] max() {
        return max;
    }

    long[][] active() {
        return active;
    }
}
