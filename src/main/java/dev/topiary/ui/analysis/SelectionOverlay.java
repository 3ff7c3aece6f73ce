package dev.topiary.ui.analysis;

import dev.topiary.ui.selection.NeuronId;
import dev.topiary.ui.selection.SelectedNeurons;
import javafx.geometry.Rectangle2D;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;

/**
 * Draws the selection marks over a {@link PromptSetHeatmap}'s cells: selected neurons, the neuron shown in the
 * inspector, and the band of a drag in progress. It works in display columns, so it maps every neuron through the
 * heatmap's {@link ColumnOrder}.
 */
final class SelectionOverlay extends Canvas {

    private static final Color SELECTED_FILL = Color.rgb(255, 255, 255, 0.45);
    private static final Color SELECTED_EDGE = Color.BLACK;
    private static final Color FOCUS_OUTER = Color.BLACK;
    private static final Color FOCUS_INNER = Color.web("#FFD54F");
    private static final Color BAND_FILL = Color.rgb(30, 90, 200, 0.25);
    private static final Color BAND_EDGE = Color.rgb(30, 90, 200);

    SelectionOverlay() {
        setMouseTransparent(true);
    }

    /** Geometry of the cells for one drawing: their area, the visible columns and the column order. */
    record Geometry(Rectangle2D plot, HeatmapViewport viewport, int rows, ColumnOrder order) {

        double cellWidth() {
            return plot.getWidth() / viewport.visible();
        }

        double cellHeight() {
            return plot.getHeight() / rows;
        }

        double columnX(int column) {
            return plot.getMinX() + (column - viewport.first()) * cellWidth();
        }

        double layerY(int layer) {
            return plot.getMinY() + layer * cellHeight();
        }
    }

    /**
     * Redraws every mark.
     *
     * @param band the drag in progress as {layer, first column, last column}, or null
     */
    void draw(Geometry geometry, SelectedNeurons selection, NeuronId focused, int[] band) {
        GraphicsContext graphics = getGraphicsContext2D();
        graphics.clearRect(0, 0, getWidth(), getHeight());
        if (geometry == null) {
            return;
        }
        graphics.save();
        graphics.beginPath();
        graphics.rect(geometry.plot().getMinX(), geometry.plot().getMinY(), geometry.plot().getWidth(),
                geometry.plot().getHeight());
        graphics.clip();
        if (selection != null) {
            for (int layer : selection.layers()) {
                if (layer < geometry.rows()) {
                    drawSelectedRuns(graphics, geometry, layer, selection.neurons(layer));
                }
            }
        }
        if (band != null) {
            drawBand(graphics, geometry, band);
        }
        if (focused != null && focused.layer() < geometry.rows()
                && focused.neuron() < geometry.order().neurons()) {
            drawFocus(graphics, geometry, focused);
        }
        graphics.restore();
    }

    /** Marks the visible selected columns of one layer, merging neighbouring columns into one rectangle. */
    private static void drawSelectedRuns(GraphicsContext graphics, Geometry geometry, int layer, int[] neurons) {
        HeatmapViewport viewport = geometry.viewport();
        boolean[] shown = new boolean[viewport.visible()];
        for (int neuron : neurons) {
            if (neuron < geometry.order().neurons()) {
                int column = geometry.order().columnOf(layer, neuron);
                if (column >= viewport.first() && column < viewport.end()) {
                    shown[column - viewport.first()] = true;
                }
            }
        }
        double y = geometry.layerY(layer);
        double height = geometry.cellHeight();
        for (int start = 0; start < shown.length; start++) {
            if (!shown[start]) {
                continue;
            }
            int end = start;
            while (end + 1 < shown.length && shown[end + 1]) {
                end++;
            }
            double x = geometry.columnX(viewport.first() + start);
            double width = Math.max(2, (end - start + 1) * geometry.cellWidth());
            graphics.setFill(SELECTED_FILL);
            graphics.fillRect(x, y, width, height);
            graphics.setStroke(SELECTED_EDGE);
            graphics.setLineWidth(1);
            graphics.strokeRect(x + 0.5, y + 0.5, Math.max(1, width - 1), Math.max(1, height - 1));
            start = end;
        }
    }

    private static void drawBand(GraphicsContext graphics, Geometry geometry, int[] band) {
        int from = Math.min(band[1], band[2]);
        int to = Math.max(band[1], band[2]);
        double x = geometry.columnX(from);
        double width = (to - from + 1) * geometry.cellWidth();
        double y = geometry.layerY(band[0]);
        graphics.setFill(BAND_FILL);
        graphics.fillRect(x, y, width, geometry.cellHeight());
        graphics.setStroke(BAND_EDGE);
        graphics.setLineWidth(1.5);
        graphics.strokeRect(x, y, width, geometry.cellHeight());
    }

    /** Outlines the inspected neuron twice, black then yellow, so that it shows on either palette. */
    private static void drawFocus(GraphicsContext graphics, Geometry geometry, NeuronId focused) {
        int column = geometry.order().columnOf(focused.layer(), focused.neuron());
        HeatmapViewport viewport = geometry.viewport();
        if (column < viewport.first() || column >= viewport.end()) {
            return;
        }
        double width = Math.max(4, geometry.cellWidth());
        double x = geometry.columnX(column) + (geometry.cellWidth() - width) / 2;
        double y = geometry.layerY(focused.layer());
        graphics.setStroke(FOCUS_OUTER);
        graphics.setLineWidth(3);
        graphics.strokeRect(x, y + 1, width, geometry.cellHeight() - 2);
        graphics.setStroke(FOCUS_INNER);
        graphics.setLineWidth(1.2);
        graphics.strokeRect(x, y + 1, width, geometry.cellHeight() - 2);
    }
}
