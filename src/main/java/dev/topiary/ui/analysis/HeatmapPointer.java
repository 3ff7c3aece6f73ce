package dev.topiary.ui.analysis;

import dev.topiary.ui.selection.NeuronId;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;

/**
 * The mouse on a {@link PromptSetHeatmap}'s cells: left clicks and drags become selection gestures, a right or
 * middle drag pans, and the wheel zooms (or pans, when it scrolls sideways). Columns are mapped to neurons
 * through the heatmap's column order at the moment of each gesture.
 */
final class HeatmapPointer {

    private static final double ZOOM_STEP = 0.8;

    private final PromptSetHeatmap heatmap;
    /** The cell where the primary button went down, as {layer, column}, while a left drag is in progress. */
    private int[] pressed;
    private int dragColumn;
    private boolean dragged;
    /** The last clicked neuron, where a Shift+click range starts. */
    private NeuronId anchor;
    private double panStartX;
    private int panStartFirst;

    HeatmapPointer(PromptSetHeatmap heatmap) {
        this.heatmap = heatmap;
    }

    /** Returns the drag in progress as {layer, first column, last column}, or null. */
    int[] band() {
        return pressed != null && dragged ? new int[] {pressed[0], pressed[1], dragColumn} : null;
    }

    /** Drops the Shift+click anchor, for when the layers it refers to change. */
    void forgetAnchor() {
        anchor = null;
    }

    void pressed(MouseEvent event) {
        heatmap.requestFocus();
        HeatmapViewport shown = heatmap.viewportProperty().get();
        if (event.getButton() == MouseButton.PRIMARY) {
            pressed = heatmap.positionAt(event.getX(), event.getY());
            dragged = false;
            if (pressed != null) {
                dragColumn = pressed[1];
            }
        } else if (shown != null) {
            panStartX = event.getX();
            panStartFirst = shown.first();
        }
    }

    void dragged(MouseEvent event) {
        HeatmapViewport shown = heatmap.viewportProperty().get();
        if (event.isPrimaryButtonDown() && pressed != null) {
            double x = Math.max(0, Math.min(heatmap.plotWidth() - 1, event.getX()));
            dragColumn = heatmap.columnAtX(x);
            dragged |= dragColumn != pressed[1];
            heatmap.drawOverlay();
        } else if ((event.isSecondaryButtonDown() || event.isMiddleButtonDown()) && shown != null) {
            double cellWidth = heatmap.plotWidth() / shown.visible();
            int shift = (int) Math.round((panStartX - event.getX()) / cellWidth);
            heatmap.setViewport(shown.startingAt(panStartFirst + shift));
        }
    }

    void released(MouseEvent event) {
        if (event.getButton() != MouseButton.PRIMARY || pressed == null) {
            return;
        }
        int layer = pressed[0];
        int startColumn = pressed[1];
        int column = dragged ? dragColumn : startColumn;
        pressed = null;
        heatmap.drawOverlay();
        PromptSetHeatmap.SelectionGestures gestures = heatmap.gestures();
        if (gestures == null) {
            return;
        }
        NeuronId clicked = new NeuronId(layer, heatmap.neuronAt(layer, column));
        boolean add = event.isShortcutDown();
        if (dragged) {
            // The drag's start becomes the anchor of later Shift+clicks, as a plain click's neuron does.
            anchor = new NeuronId(layer, heatmap.neuronAt(layer, startColumn));
            gestures.neuronsSelected(layer, neuronsInColumns(layer, startColumn, column), clicked, add);
        } else if (event.isShiftDown() && anchor != null && anchor.layer() == layer
                && anchor.neuron() < heatmap.columns()) {
            int anchorColumn = heatmap.currentOrder().columnOf(layer, anchor.neuron());
            gestures.neuronsSelected(layer, neuronsInColumns(layer, anchorColumn, column), clicked, add);
        } else {
            anchor = clicked;
            gestures.neuronClicked(clicked, add);
        }
    }

    private int[] neuronsInColumns(int layer, int fromColumn, int toColumn) {
        int first = Math.min(fromColumn, toColumn);
        int last = Math.max(fromColumn, toColumn);
        int[] neurons = new int[last - first + 1];
        for (int column = first; column <= last; column++) {
            neurons[column - first] = heatmap.neuronAt(layer, column);
        }
        return neurons;
    }

    void scrolled(ScrollEvent event) {
        HeatmapViewport shown = heatmap.viewportProperty().get();
        if (shown == null || (event.getDeltaX() == 0 && event.getDeltaY() == 0)) {
            return;
        }
        if (Math.abs(event.getDeltaX()) > Math.abs(event.getDeltaY())) {
            double cellWidth = heatmap.plotWidth() / shown.visible();
            int shift = (int) Math.round(-event.getDeltaX() / cellWidth);
            if (shift == 0) {
                // A small horizontal scroll still moves by one column.
                shift = event.getDeltaX() < 0 ? 1 : -1;
            }
            heatmap.setViewport(shown.pan(shift));
        } else {
            double fraction = Math.max(0, Math.min(1, event.getX() / heatmap.plotWidth()));
            heatmap.setViewport(shown.zoom(event.getDeltaY() > 0 ? ZOOM_STEP : 1 / ZOOM_STEP, fraction));
        }
        event.consume();
    }
}
