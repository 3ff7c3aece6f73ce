package dev.topiary.evaluation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.topiary.engine.ComputeThreads;
import dev.topiary.model.ModelConfig;

/**
 * Measures the limits a run is compared against, through the same engine the model uses: memory read bandwidth
 * as the sum of a large array (decode reads its weights once per token and writes little, so a read-only
 * measure fits it better than a copy) and float32 matrix-multiply throughput as a large square matmul. Also the work per token of a model, so that speeds become fractions of those limits. Call on the
 * engine thread.
 */
public final class MachineLimits {

    private MachineLimits() {}

    /** Bandwidth in bytes per second and matmul throughput in FLOP per second, medians of several runs. */
    public record Limits(double bytesPerSecond, double flopsPerSecond) {}

    /**
     * Measures both limits with a sum over {@code arrayBytes} and a square matmul of side {@code matmulSize}, with
     * every thread PyTorch would use on an idle machine (see {@link ComputeThreads#useAll}).
     */
    public static Limits measure(NDManager manager, long arrayBytes, int matmulSize, int runs) {
        ComputeThreads.useAll();
        double[] bandwidth = new double[runs];
        double[] throughput = new double[runs];
        try (NDScope scope = new NDScope()) {
            NDArray source = manager.ones(new Shape(arrayBytes / 4), DataType.FLOAT32);
            NDArray left = manager.randomUniform(-1, 1, new Shape(matmulSize, matmulSize));
            NDArray right = manager.randomUniform(-1, 1, new Shape(matmulSize, matmulSize));
            source.sum().close();
            left.matMul(right).close();
            for (int run = 0; run < runs; run++) {
                long started = System.nanoTime();
                NDArray sum = source.sum();
                sum.getFloat(); // waits for the result on devices that run asynchronously
                long summed = System.nanoTime() - started;
                sum.close();
                bandwidth[run] = arrayBytes / (summed / 1e9);

                started = System.nanoTime();
                NDArray product = left.matMul(right);
                product.getFloat(0, 0);
                long multiplied = System.nanoTime() - started;
                product.close();
                throughput[run] = 2.0 * matmulSize * (double) matmulSize * matmulSize / (multiplied / 1e9);
            }
        }
        return new Limits(SpeedProbe.median(bandwidth), SpeedProbe.median(throughput));
    }

    /**
     * Returns the bytes a decode step must read: every weight matrix once (the token embedding table is only
     * indexed, except when it doubles as the output projection) plus the KV cache at {@code position}.
     */
    public static double decodeBytesPerToken(ModelConfig config, int bytesPerElement, int position) {
        long embedding = (long) config.vocabSize() * config.hiddenSize();
        long read = config.parameterCount() - (config.tieWordEmbeddings() ? 0 : embedding);
        long kv = 2L * config.numHiddenLayers() * config.numKeyValueHeads() * config.headDim() * position;
        return (double) (read + kv) * bytesPerElement;
    }

    /** Returns the FLOPs of a forward pass per token: two per weight multiply-add plus attention over the context. */
    public static double forwardFlopsPerToken(ModelConfig config, int context) {
        long embedding = (long) config.vocabSize() * config.hiddenSize();
        long matmulWeights = config.parameterCount() - (config.tieWordEmbeddings() ? 0 : embedding);
        double attention = 2.0 * 2.0 * config.numHiddenLayers() * config.numAttentionHeads() * config.headDim()
                * context;
        return 2.0 * matmulWeights + attention;
    }
}
