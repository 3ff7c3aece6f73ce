package dev.topiary.ui.analysis;

/**
 * The range of columns a zoomed heatmap shows: {@code visible} columns starting at {@code first}, always inside
 * [0, columns). Zooming keeps the column under the mouse in place.
 *
 * @param columns the number of columns in the whole heatmap
 * @param first the first column shown
 * @param visible how many columns are shown
 */
public record HeatmapViewport(int columns, int first, int visible) {

    /** Minimum number of columns a zoom shows, so that one cell never fills the whole plot. */
    public static final int MIN_VISIBLE = 8;

    public HeatmapViewport {
        if (columns < 1) {
            throw new IllegalArgumentException("A heatmap needs at least one column, got " + columns);
        }
        visible = Math.max(Math.min(columns, MIN_VISIBLE), Math.min(columns, visible));
        first = Math.max(0, Math.min(columns - visible, first));
    }

    /** Returns a viewport that shows every column. */
    public static HeatmapViewport all(int columns) {
        return new HeatmapViewport(columns, 0, columns);
    }

    /** Returns whether every column is shown. */
    public boolean showsAll() {
        return visible == columns;
    }

    /** Returns the column after the last one shown. */
    public int end() {
        return first + visible;
    }

    /**
     * Zooms by a factor (below 1 zooms in) around a point of the plot.
     *
     * @param fraction where the fixed point lies across the plot, 0 at the left edge and 1 at the right
     */
    public HeatmapViewport zoom(double factor, double fraction) {
        double anchor = first + fraction * visible;
        int newVisible = (int) Math.round(visible * factor);
        if (newVisible == visible) {
            newVisible += factor < 1 ? -1 : 1;
        }
        newVisible = Math.max(Math.min(columns, MIN_VISIBLE), Math.min(columns, newVisible));
        int newFirst = (int) Math.round(anchor - fraction * newVisible);
        return new HeatmapViewport(columns, newFirst, newVisible);
    }

    /** Moves the viewport by a number of columns, positive to the right, stopping at either end. */
    public HeatmapViewport pan(int byColumns) {
        return new HeatmapViewport(columns, first + byColumns, visible);
    }

    /** Returns the viewport moved so that it starts at a column, stopping at either end. */
    public HeatmapViewport startingAt(int column) {
        return new HeatmapViewport(columns, column, visible);
    }
}
