package dev.topiary.ui.activations;

/**
 * A heatmap rendered to ARGB pixels, one pixel per cell, ready for a {@code PixelWriter}.
 *
 * <p>Wide models have more neurons than an image should have columns: a texture that wide may exceed what the
 * graphics pipeline accepts, and the screen cannot show it anyway. Above {@code maxWidth} columns, each pixel
 * covers a run of neighbouring neurons and takes the colour of the one with the largest |a|, so that a single
 * strongly active neuron stays visible.
 *
 * @param width pixels per row
 * @param height pixels per column, one per layer
 * @param argb width * height opaque colours, row-major
 */
public record HeatmapPixels(int width, int height, int[] argb) {

    /** Renders a matrix with at most {@code maxWidth} pixels per row. */
    public static HeatmapPixels render(HeatmapMatrix matrix, int maxWidth) {
        int width = Math.min(matrix.columns(), maxWidth);
        int height = matrix.rows();
        float limit = matrix.colourLimit();
        int[] argb = new int[width * height];
        for (int row = 0; row < height; row++) {
            for (int x = 0; x < width; x++) {
                float value = strongestInRun(matrix, row, firstColumn(x, width, matrix.columns()),
                        firstColumn(x + 1, width, matrix.columns()));
                argb[row * width + x] = Palette.argb(matrix.scale(), value, limit);
            }
        }
        return new HeatmapPixels(width, height, argb);
    }

    /** Returns the first matrix column that pixel {@code x} covers. */
    private static int firstColumn(int x, int width, int columns) {
        return (int) ((long) x * columns / width);
    }

    /** Returns the value with the largest magnitude among columns [from, to) of a row; NaN wins over numbers. */
    private static float strongestInRun(HeatmapMatrix matrix, int row, int from, int to) {
        float strongest = matrix.valueAt(row, from);
        for (int column = from + 1; column < to; column++) {
            float value = matrix.valueAt(row, column);
            if (Float.isNaN(value) || Math.abs(value) > Math.abs(strongest)) {
                strongest = value;
            }
        }
        return strongest;
    }
}
