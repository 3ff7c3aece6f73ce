package dev.topiary.activations;

/**
 * Per-layer statistics of the residual stream over every token of a prompt set: the mean L2 norm of the
 * residual stream leaving each layer, and the mean cosine similarity between the residual stream entering
 * and leaving it. A similarity near 1 means the layer barely changes the stream, which makes it a candidate
 * for removal (1 - similarity is the Block Influence score).
 */
public final class LayerStatistics {

    private final double[] normSum;
    private final double[] cosineSum;
    private long tokens;

    public LayerStatistics(int layers) {
        this.normSum = new double[layers];
        this.cosineSum = new double[layers];
    }

    /** Adds one batch's sums of per-token norms and cosine similarities for one layer. */
    public void add(int layer, double batchNormSum, double batchCosineSum) {
        normSum[layer] += batchNormSum;
        cosineSum[layer] += batchCosineSum;
    }

    /** Records that a batch of {@code count} valid tokens was added to every layer. */
    public void addTokens(long count) {
        tokens += count;
    }

    static LayerStatistics restore(long tokens, double[] meanNorms, double[] meanCosines) {
        LayerStatistics statistics = new LayerStatistics(meanNorms.length);
        statistics.tokens = tokens;
        for (int layer = 0; layer < meanNorms.length; layer++) {
            statistics.normSum[layer] = meanNorms[layer] * tokens;
            statistics.cosineSum[layer] = meanCosines[layer] * tokens;
        }
        return statistics;
    }

    public int layers() {
        return normSum.length;
    }

    /** Returns the mean L2 norm of the residual stream leaving a layer. */
    public double residualNorm(int layer) {
        return tokens == 0 ? 0 : normSum[layer] / tokens;
    }

    /** Returns the mean cosine similarity between a layer's input and output residual stream. */
    public double inputOutputCosine(int layer) {
        return tokens == 0 ? 0 : cosineSum[layer] / tokens;
    }

    /** Returns 1 minus the mean input/output cosine similarity: high when a layer changes the stream a lot. */
    public double blockInfluence(int layer) {
        return 1 - inputOutputCosine(layer);
    }
}
