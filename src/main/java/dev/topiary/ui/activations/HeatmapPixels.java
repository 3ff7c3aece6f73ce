package dev.topiary.ui.activations;

/**
 * A heatmap rendered to ARGB pixels at the size it is shown, ready for a {@code PixelWriter}.
 *
 * <p>Rendering at the shown size, instead of one pixel per cell scaled up by the graphics pipeline, keeps cell
 * edges sharp: the JavaFX pipelines do not all honour {@code ImageView.setSmooth(false)}, and a smoothed image
 * blurs each layer into the next. When there are more neurons than pixels, each pixel covers a run of neighbouring
 * neurons and takes the colour of the one with the largest |a|, so that a single strongly active neuron stays
 * visible.
 *
 * @param width pixels per row
 * @param height pixels per column
 * @param argb width * height opaque colours, row-major
 */
public record HeatmapPixels(int width, int height, int[] argb) {

    /** Renders a matrix to {@code width} x {@code height} pixels, each cell a block of whole pixels. */
    public static HeatmapPixels render(HeatmapMatrix matrix, int width, int height) {
        return render(matrix, width, height, matrix.colourLimit());
    }

    /**
     * Renders a matrix with a given colour range, so that a part of a larger heatmap keeps the colours it has in
     * the whole.
     *
     * @param limit the magnitude at the ends of the palette
     */
    public static HeatmapPixels render(HeatmapMatrix matrix, int width, int height, float limit) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("A heatmap image needs at least 1 x 1 pixels, got " + width + " x "
                    + height);
        }

        // One colour per layer and pixel column.
        int[][] rowColours = new int[matrix.rows()][width];
        for (int row = 0; row < matrix.rows(); row++) {
            for (int x = 0; x < width; x++) {
                int from = firstColumn(x, width, matrix.columns());
                int to = Math.max(from + 1, firstColumn(x + 1, width, matrix.columns()));
                rowColours[row][x] = Palette.argb(matrix.scale(), strongestInRun(matrix, row, from, to), limit);
            }
        }

        // Each pixel row repeats the colours of the layer it falls in.
        int[] argb = new int[width * height];
        for (int y = 0; y < height; y++) {
            int row = (int) ((long) y * matrix.rows() / height);
            System.arraycopy(rowColours[row], 0, argb, y * width, width);
        }
        return new HeatmapPixels(width, height, argb);
    }

    /** Returns the first matrix column that pixel column {@code x} covers. */
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
