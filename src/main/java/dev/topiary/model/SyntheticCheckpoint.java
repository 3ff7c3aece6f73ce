package dev.topiary.model;

import dev.topiary.model.tokenizer.ByteTokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Checkpoints of standard shapes with seeded random weights, generated on demand and never written to disk,
 * for benchmarks on model sizes that no shipped model covers. Their text is meaningless; the shapes and the
 * amount of work per token are what matter.
 */
public final class SyntheticCheckpoint {

    /** The shapes on offer, by name. */
    public static final Map<String, ModelConfig> SHAPES = Map.of(
            "llama-110m", shape(768, 2048, 12, 12, 12, 32000),
            "llama-15m", shape(288, 768, 6, 6, 6, 32000),
            "wide-mlp", shape(512, 8192, 30, 8, 8, 512));

    private SyntheticCheckpoint() {}

    private static ModelConfig shape(int hidden, int intermediate, int layers, int heads, int kvHeads, int vocab) {
        return new ModelConfig(Architecture.LLAMA, hidden, intermediate, layers, heads, kvHeads, hidden / heads, vocab,
                2048, 1e-5, 10000.0, null, false, false, 0, ByteTokenizer.BOS_ID, List.of());
    }

    /** Creates the named checkpoint; weights are drawn from N(0, 0.02^2) and norms are 1. */
    public static Checkpoint create(String name, long seed) {
        ModelConfig config = SHAPES.get(name);
        if (config == null) {
            throw new IllegalArgumentException("Unknown synthetic model '" + name + "'; choose one of "
                    + String.join(", ", SHAPES.keySet().stream().sorted().toList()) + ".");
        }
        Map<String, long[]> shapes = WeightLayout.expected(config);
        Path source = Path.of("synthetic:" + name);
        TensorSource tensors = new TensorSource() {
            @Override
            public Set<String> names() {
                return shapes.keySet();
            }

            @Override
            public long[] shape(String tensor) {
                return shapes.get(tensor);
            }

            @Override
            public Path fileOf(String tensor) {
                return source;
            }

            @Override
            public String dtypeOf(String tensor) {
                return "F32";
            }

            @Override
            public float[] read(String tensor) {
                long[] shape = shapes.get(tensor);
                long count = 1;
                for (long dimension : shape) {
                    count *= dimension;
                }
                float[] values = new float[Math.toIntExact(count)];
                if (shape.length == 1) {
                    java.util.Arrays.fill(values, 1f); // RMSNorm weights
                    return values;
                }
                Random random = new Random(seed ^ tensor.hashCode());
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (random.nextGaussian() * 0.02);
                }
                return values;
            }

            @Override
            public void close() {
                // Nothing is held.
            }
        };
        return new Checkpoint(source, "synthetic " + name, config, tensors, new ByteTokenizer(config.vocabSize()), null);
    }
}
