package dev.topiary.pruning;

import dev.topiary.model.ModelConfig;
import dev.topiary.model.ModelFormatException;
import dev.topiary.model.TensorSource;
import dev.topiary.model.WeightLayout;
import dev.topiary.model.WeightNames;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * The tensors of a model with a {@link PrunePlan} applied, under the pruned model's names: kept layers are
 * renumbered from 0, gate_proj and up_proj keep the rows of kept neurons and down_proj their columns. Tensors
 * are sliced when read, so the pruned model is never held twice.
 */
public final class PrunedTensors implements TensorSource {

    private static final String LAYER_PREFIX = "model.layers.";

    private final TensorSource original;
    private final PrunePlan plan;
    private final ModelConfig originalConfig;
    private final Map<String, long[]> shapes;
    private final int[] keptLayers;

    public PrunedTensors(TensorSource original, ModelConfig originalConfig, PrunePlan plan) {
        this.original = original;
        this.plan = plan;
        this.originalConfig = originalConfig;
        this.shapes = WeightLayout.expected(plan.apply(originalConfig));
        this.keptLayers = plan.keptLayers();
    }

    @Override
    public Set<String> names() {
        return shapes.keySet();
    }

    @Override
    public long[] shape(String name) {
        return shapes.get(name);
    }

    @Override
    public Path fileOf(String name) {
        return original.fileOf(originalName(name));
    }

    @Override
    public String dtypeOf(String name) {
        return original.dtypeOf(originalName(name));
    }

    @Override
    public float[] read(String name) throws ModelFormatException {
        String source = originalName(name);
        float[] values = original.read(source);
        if (!name.startsWith(LAYER_PREFIX)) {
            return values;
        }
        int layer = keptLayers[layerOf(name)];
        int[] kept = plan.keptNeurons().get(layer);
        int hidden = originalConfig.hiddenSize();
        int intermediate = originalConfig.intermediateSize();
        if (name.endsWith(WeightNames.GATE_PROJ) || name.endsWith(WeightNames.UP_PROJ)) {
            return keepRows(values, kept, hidden); // [F, D] -> [F', D]
        }
        if (name.endsWith(WeightNames.DOWN_PROJ)) {
            return keepColumns(values, kept, hidden, intermediate); // [D, F] -> [D, F']
        }
        return values;
    }

    /** Maps a pruned tensor name to the original one, such as layer 1 to layer 3 when layer 1..2 were removed. */
    private String originalName(String name) {
        if (!name.startsWith(LAYER_PREFIX)) {
            return name;
        }
        int layer = layerOf(name);
        String suffix = name.substring(name.indexOf('.', LAYER_PREFIX.length()) + 1);
        return WeightNames.layer(keptLayers[layer], suffix);
    }

    private static int layerOf(String name) {
        int end = name.indexOf('.', LAYER_PREFIX.length());
        return Integer.parseInt(name.substring(LAYER_PREFIX.length(), end));
    }

    private static float[] keepRows(float[] matrix, int[] rows, int columns) {
        float[] result = new float[rows.length * columns];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(matrix, rows[i] * columns, result, i * columns, columns);
        }
        return result;
    }

    private static float[] keepColumns(float[] matrix, int[] kept, int rows, int columns) {
        float[] result = new float[rows * kept.length];
        for (int row = 0; row < rows; row++) {
            for (int i = 0; i < kept.length; i++) {
                result[row * kept.length + i] = matrix[row * columns + kept[i]];
            }
        }
        return result;
    }

    @Override
    public void close() {
        // The original source belongs to the caller.
    }
}
