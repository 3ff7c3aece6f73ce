package dev.topiary.ui.analysis;

import dev.topiary.ui.activations.HeatmapMatrix;
import java.util.Arrays;
import java.util.Comparator;

/**
 * The mapping from heatmap columns to neurons, layer by layer: either the neuron with the column's index, or the
 * neurons of each layer sorted by a metric, largest first. Every mapping from a column back to a neuron goes
 * through {@link #neuronAt}, so hover and selection always name the true neuron index.
 */
public final class ColumnOrder {

    /** [L][F]: the neuron shown in each column. */
    private final int[][] neuronAtColumn;
    /** [L][F]: the column that shows each neuron, the inverse of {@link #neuronAtColumn}. */
    private final int[][] columnOfNeuron;
    private final boolean sorted;

    private ColumnOrder(int[][] neuronAtColumn, boolean sorted) {
        this.neuronAtColumn = neuronAtColumn;
        this.sorted = sorted;
        this.columnOfNeuron = new int[neuronAtColumn.length][];
        for (int layer = 0; layer < neuronAtColumn.length; layer++) {
            int[] inverse = new int[neuronAtColumn[layer].length];
            for (int column = 0; column < inverse.length; column++) {
                inverse[neuronAtColumn[layer][column]] = column;
            }
            columnOfNeuron[layer] = inverse;
        }
    }

    /** Returns the order that shows neuron i in column i of every layer. */
    public static ColumnOrder identity(int layers, int neurons) {
        int[][] order = new int[layers][];
        for (int layer = 0; layer < layers; layer++) {
            order[layer] = new int[neurons];
            Arrays.setAll(order[layer], neuron -> neuron);
        }
        return new ColumnOrder(order, false);
    }

    /**
     * Returns the order that sorts each layer's neurons by value, largest first. Equal values keep index order,
     * and NaN sorts after every number.
     */
    public static ColumnOrder descending(HeatmapMatrix values) {
        int[][] order = new int[values.rows()][];
        for (int layer = 0; layer < values.rows(); layer++) {
            int row = layer;
            Comparator<Integer> largestFirst = Comparator.comparingDouble(
                    (Integer neuron) -> sortKey(values.valueAt(row, neuron))).reversed();
            order[layer] = java.util.stream.IntStream.range(0, values.columns()).boxed()
                    .sorted(largestFirst)
                    .mapToInt(Integer::intValue)
                    .toArray();
        }
        return new ColumnOrder(order, true);
    }

    /** Maps NaN below every number, so that a descending sort puts it last. */
    private static double sortKey(float value) {
        return Float.isNaN(value) ? Double.NEGATIVE_INFINITY : value;
    }

    public int layers() {
        return neuronAtColumn.length;
    }

    public int neurons() {
        return neuronAtColumn.length == 0 ? 0 : neuronAtColumn[0].length;
    }

    /** Returns whether the columns are sorted by a metric rather than in neuron order. */
    public boolean sorted() {
        return sorted;
    }

    /** Returns the neuron shown in a column of a layer. */
    public int neuronAt(int layer, int column) {
        return neuronAtColumn[layer][column];
    }

    /** Returns the column that shows a neuron of a layer. */
    public int columnOf(int layer, int neuron) {
        return columnOfNeuron[layer][neuron];
    }
}
