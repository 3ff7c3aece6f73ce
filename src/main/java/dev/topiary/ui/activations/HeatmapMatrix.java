package dev.topiary.ui.activations;

/**
 * Values to draw as a heatmap: one row per layer, one column per neuron.
 *
 * @param rows the number of layers, L
 * @param columns the number of neurons per layer, F
 * @param values L * F values, row-major
 * @param scale how the values are coloured
 * @param valueLabel what one value is, for the legend, such as {@code "a at token 3"}
 */
public record HeatmapMatrix(int rows, int columns, float[] values, ValueScale scale, String valueLabel) {

    public HeatmapMatrix {
        if (rows < 1 || columns < 1) {
            throw new IllegalArgumentException("A heatmap needs at least one row and one column, got " + rows
                    + " x " + columns);
        }
        if (values.length != rows * columns) {
            throw new IllegalArgumentException("Expected " + rows + " x " + columns + " = " + rows * columns
                    + " values, got " + values.length);
        }
    }

    /** Returns the value of one cell. */
    public float valueAt(int row, int column) {
        if (row < 0 || row >= rows || column < 0 || column >= columns) {
            throw new IndexOutOfBoundsException("Cell (" + row + ", " + column + ") is outside " + rows + " x "
                    + columns);
        }
        return values[row * columns + column];
    }

    /** Returns the same values under another label. */
    public HeatmapMatrix withValueLabel(String label) {
        return new HeatmapMatrix(rows, columns, values, scale, label);
    }

    /**
     * Returns the end of the colour range: the largest finite magnitude, or 1 when every value is zero or not
     * finite, so that a palette never divides by zero.
     */
    public float colourLimit() {
        float limit = 0;
        for (float value : values) {
            if (Float.isFinite(value)) {
                limit = Math.max(limit, Math.abs(value));
            }
        }
        return limit > 0 ? limit : 1;
    }
}
