package dev.topiary.ui.analysis;

import dev.topiary.ui.activations.ColorLegend;
import dev.topiary.ui.activations.HeatmapCell;
import dev.topiary.ui.activations.HeatmapMatrix;
import dev.topiary.ui.activations.HeatmapPixels;
import dev.topiary.ui.selection.NeuronId;
import dev.topiary.ui.selection.SelectedNeurons;
import java.util.Optional;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.geometry.Orientation;
import javafx.geometry.Rectangle2D;
import javafx.scene.Cursor;
import javafx.scene.control.ScrollBar;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.shape.Rectangle;

/**
 * The layer x neuron heatmap of one metric over a prompt set, with zoom, pan, sorting and selection.
 *
 * <p>The matrix contains the values in neuron order; a {@link ColumnOrder} decides which neuron each column shows,
 * and a {@link HeatmapViewport} which columns are visible. Scroll zooms around the mouse, a right or middle drag
 * or the scroll bar pans, a click selects a neuron, a drag or Shift+click selects a range of columns in one
 * layer, and a click on a layer number selects the whole layer (Ctrl adds to the selection in each case). The
 * heatmap only reports these gestures to its {@link SelectionGestures}; it draws whatever selection it is given.
 * Hover and every gesture report true neuron indices, whatever the order.
 */
public final class PromptSetHeatmap extends Region {

    /** Receives the selection gestures, with true neuron indices. */
    public interface SelectionGestures {
        /** A click on one cell; {@code add} is true when Ctrl was held. */
        void neuronClicked(NeuronId neuron, boolean add);

        /** A drag or Shift+click across cells of one layer, ending on {@code last}. */
        void neuronsSelected(int layer, int[] neurons, NeuronId last, boolean add);

        /** A click on a layer number. */
        void layerClicked(int layer, boolean add);
    }

    private final ObjectProperty<HeatmapMatrix> matrix = new SimpleObjectProperty<>(this, "matrix");
    private final ObjectProperty<ColumnOrder> order = new SimpleObjectProperty<>(this, "order");
    private final ObjectProperty<SelectedNeurons> selection =
            new SimpleObjectProperty<>(this, "selection", SelectedNeurons.EMPTY);
    private final ObjectProperty<NeuronId> focusedNeuron = new SimpleObjectProperty<>(this, "focusedNeuron");
    private final StringProperty legendTitle = new SimpleStringProperty(this, "legendTitle", "");
    private final ReadOnlyObjectWrapper<HeatmapViewport> viewport = new ReadOnlyObjectWrapper<>(this, "viewport");
    private final ReadOnlyObjectWrapper<HeatmapCell> hoveredCell = new ReadOnlyObjectWrapper<>(this, "hoveredCell");
    private final ReadOnlyIntegerWrapper hoveredLayerLabel = new ReadOnlyIntegerWrapper(this, "hoveredLayerLabel", -1);

    private final HeatmapAxes axes = new HeatmapAxes();
    private final ImageView cells = new ImageView();
    private final SelectionOverlay overlay = new SelectionOverlay();
    private final Rectangle hoverMarker = new Rectangle();
    private final ColorLegend legend = new ColorLegend();
    private final ScrollBar scrollBar = new ScrollBar();
    private SelectionGestures gestures;
    private Rectangle2D plotArea = Rectangle2D.EMPTY;
    private float colourLimit = 1;
    private boolean updatingScrollBar;
    private final HeatmapPointer pointer = new HeatmapPointer(this);

    public PromptSetHeatmap() {
        getStyleClass().add("prompt-set-heatmap");
        setFocusTraversable(true);
        cells.setSmooth(false);
        cells.setPreserveRatio(false);
        cells.setId("setHeatmapCells");
        hoverMarker.setManaged(false);
        hoverMarker.setMouseTransparent(true);
        hoverMarker.setFill(Color.TRANSPARENT);
        hoverMarker.setStroke(Color.BLACK);
        hoverMarker.setStrokeWidth(1.5);
        hoverMarker.setVisible(false);
        scrollBar.setOrientation(Orientation.HORIZONTAL);
        scrollBar.setId("setHeatmapScrollBar");
        scrollBar.setVisible(false);
        getChildren().addAll(axes, cells, overlay, hoverMarker, legend, scrollBar);

        matrix.addListener((property, before, now) -> matrixChanged(before, now));
        order.addListener(observable -> redraw());
        viewport.addListener(observable -> redraw());
        selection.addListener(observable -> drawOverlay());
        focusedNeuron.addListener(observable -> drawOverlay());
        legendTitle.addListener(observable -> showLegend());
        scrollBar.valueProperty().addListener((property, before, now) -> scrolled(now.doubleValue()));
        installMouseHandlers();
        setMinSize(300, 180);
        setPrefSize(900, 360);
    }

    private void installMouseHandlers() {
        cells.addEventHandler(MouseEvent.MOUSE_MOVED, event -> hover(event.getX(), event.getY()));
        cells.addEventHandler(MouseEvent.MOUSE_EXITED, event -> hover(-1, -1));
        cells.addEventHandler(MouseEvent.MOUSE_PRESSED, pointer::pressed);
        cells.addEventHandler(MouseEvent.MOUSE_DRAGGED, pointer::dragged);
        cells.addEventHandler(MouseEvent.MOUSE_RELEASED, pointer::released);
        cells.addEventHandler(ScrollEvent.SCROLL, pointer::scrolled);
        axes.addEventHandler(MouseEvent.MOUSE_MOVED, event -> hoverLayerLabel(layerLabelAt(event.getX(),
                event.getY())));
        axes.addEventHandler(MouseEvent.MOUSE_EXITED, event -> hoverLayerLabel(-1));
        axes.addEventHandler(MouseEvent.MOUSE_CLICKED, event -> {
            int layer = layerLabelAt(event.getX(), event.getY());
            if (layer >= 0 && event.getButton() == MouseButton.PRIMARY && gestures != null) {
                requestFocus();
                gestures.layerClicked(layer, event.isShortcutDown());
            }
        });
    }

    public void setSelectionGestures(SelectionGestures gestures) {
        this.gestures = gestures;
    }

    /** Returns the receiver of selection gestures, or null. */
    SelectionGestures gestures() {
        return gestures;
    }

    /** Returns the property of the values drawn, in neuron order; null draws an empty plot. */
    public ObjectProperty<HeatmapMatrix> matrixProperty() {
        return matrix;
    }

    /** Returns the property of the column order; null shows the neurons in index order. */
    public ObjectProperty<ColumnOrder> orderProperty() {
        return order;
    }

    public ObjectProperty<SelectedNeurons> selectionProperty() {
        return selection;
    }

    /** Returns the property of the neuron outlined as the one shown in the inspector, or null. */
    public ObjectProperty<NeuronId> focusedNeuronProperty() {
        return focusedNeuron;
    }

    public StringProperty legendTitleProperty() {
        return legendTitle;
    }

    /** Returns the property of the visible columns; its value is null while the heatmap is empty. */
    public ReadOnlyObjectProperty<HeatmapViewport> viewportProperty() {
        return viewport.getReadOnlyProperty();
    }

    /** Returns the property of the cell under the mouse, with its true neuron index, or null. */
    public ReadOnlyObjectProperty<HeatmapCell> hoveredCellProperty() {
        return hoveredCell.getReadOnlyProperty();
    }

    /** Returns the property of the layer whose number is under the mouse, or -1. */
    public ReadOnlyIntegerProperty hoveredLayerLabelProperty() {
        return hoveredLayerLabel.getReadOnlyProperty();
    }

    public ColorLegend legend() {
        return legend;
    }

    /** Returns the number of layers drawn, 0 when empty. */
    public int rows() {
        return matrix.get() == null ? 0 : matrix.get().rows();
    }

    /** Returns the number of neurons per layer, shown or not, 0 when empty. */
    public int columns() {
        return matrix.get() == null ? 0 : matrix.get().columns();
    }

    /** Returns the value of a neuron, by its true index. */
    public float valueAt(int layer, int neuron) {
        if (matrix.get() == null) {
            throw new IllegalStateException("The heatmap is empty");
        }
        return matrix.get().valueAt(layer, neuron);
    }

    /** Returns the neuron a column shows in a layer. */
    public int neuronAt(int layer, int column) {
        return currentOrder().neuronAt(layer, column);
    }

    /** Zooms by a factor (below 1 zooms in) around a point given as a fraction of the plot width. */
    public void zoom(double factor, double fraction) {
        if (viewport.get() != null) {
            viewport.set(viewport.get().zoom(factor, fraction));
        }
    }

    /** Shows every column. */
    public void showAll() {
        if (matrix.get() != null) {
            viewport.set(HeatmapViewport.all(matrix.get().columns()));
        }
    }

    /** Returns the width of the cells in layout pixels. */
    double plotWidth() {
        return plotArea.getWidth();
    }

    /** Shows another range of columns; ignored while the heatmap is empty. */
    void setViewport(HeatmapViewport shown) {
        if (viewport.get() != null) {
            viewport.set(shown);
        }
    }

    /** Returns the cell at a point given relative to the top left of the cells, with its true neuron index. */
    public Optional<HeatmapCell> cellAt(double x, double y) {
        int[] position = positionAt(x, y);
        if (position == null) {
            return Optional.empty();
        }
        int neuron = neuronAt(position[0], position[1]);
        return Optional.of(new HeatmapCell(position[0], neuron, matrix.get().valueAt(position[0], neuron)));
    }

    /** Returns {layer, column} at a point relative to the cells, or null outside them. */
    int[] positionAt(double x, double y) {
        HeatmapViewport shown = viewport.get();
        if (shown == null || x < 0 || y < 0 || x >= plotArea.getWidth() || y >= plotArea.getHeight()) {
            return null;
        }
        return new int[] {layerAtY(y), columnAtX(x)};
    }

    private int layerAtY(double y) {
        return Math.min(rows() - 1, Math.max(0, (int) (y / plotArea.getHeight() * rows())));
    }

    /** Returns the column at an x relative to the cells, clamped to the visible columns. */
    int columnAtX(double x) {
        HeatmapViewport shown = viewport.get();
        int offset = (int) Math.floor(x / plotArea.getWidth() * shown.visible());
        return shown.first() + Math.max(0, Math.min(shown.visible() - 1, offset));
    }

    ColumnOrder currentOrder() {
        ColumnOrder current = order.get();
        if (current == null || current.layers() != rows() || current.neurons() != columns()) {
            return ColumnOrder.identity(rows(), columns());
        }
        return current;
    }

    private void hover(double x, double y) {
        HeatmapCell cell = cellAt(x, y).orElse(null);
        hoveredCell.set(cell);
        hoverMarker.setVisible(cell != null);
        if (cell != null) {
            SelectionOverlay.Geometry geometry = geometry();
            int column = currentOrder().columnOf(cell.layer(), cell.neuron());
            hoverMarker.setX(geometry.columnX(column));
            hoverMarker.setY(geometry.layerY(cell.layer()));
            hoverMarker.setWidth(Math.max(geometry.cellWidth(), 3));
            hoverMarker.setHeight(geometry.cellHeight());
        }
    }

    private void scrolled(double value) {
        if (!updatingScrollBar && viewport.get() != null) {
            viewport.set(viewport.get().startingAt((int) Math.round(value)));
        }
    }

    private int layerLabelAt(double x, double y) {
        if (matrix.get() == null || x >= plotArea.getMinX() || y < plotArea.getMinY() || y >= plotArea.getMaxY()) {
            return -1;
        }
        return layerAtY(y - plotArea.getMinY());
    }

    private void hoverLayerLabel(int layer) {
        hoveredLayerLabel.set(layer);
        axes.setCursor(layer >= 0 ? Cursor.HAND : Cursor.DEFAULT);
        axes.draw(drawing());
    }

    private void matrixChanged(HeatmapMatrix before, HeatmapMatrix now) {
        colourLimit = now == null ? 1 : now.colourLimit();
        if (now == null) {
            viewport.set(null);
        } else if (before == null || before.columns() != now.columns() || viewport.get() == null) {
            viewport.set(HeatmapViewport.all(now.columns()));
        }
        if (now == null || before == null || before.rows() != now.rows()) {
            pointer.forgetAnchor();
        }
        showLegend();
        redraw();
    }

    private void showLegend() {
        HeatmapMatrix current = matrix.get();
        if (current == null) {
            legend.show((HeatmapMatrix) null);
        } else {
            legend.show(current.scale(), colourLimit, legendTitle.get());
        }
    }

    private void redraw() {
        hover(-1, -1);
        renderCells();
        updateScrollBar();
        axes.draw(drawing());
        drawOverlay();
    }

    private HeatmapAxes.Drawing drawing() {
        HeatmapMatrix current = matrix.get();
        if (current == null || viewport.get() == null) {
            return null;
        }
        return new HeatmapAxes.Drawing(plotArea, viewport.get(), current.rows(), current.valueLabel(),
                currentOrder().sorted(), hoveredLayerLabel.get());
    }

    private SelectionOverlay.Geometry geometry() {
        if (matrix.get() == null || viewport.get() == null) {
            return null;
        }
        return new SelectionOverlay.Geometry(plotArea, viewport.get(), rows(), currentOrder());
    }

    void drawOverlay() {
        overlay.draw(geometry(), selection.get(), focusedNeuron.get(), pointer.band());
    }

    /** Renders the visible columns at the plot's size in device pixels, in the colours of the whole matrix. */
    private void renderCells() {
        HeatmapMatrix current = matrix.get();
        HeatmapViewport shown = viewport.get();
        if (current == null || shown == null) {
            cells.setImage(null);
            return;
        }
        double outputScale = getScene() == null || getScene().getWindow() == null
                ? 1
                : getScene().getWindow().getOutputScaleX();
        int width = (int) Math.max(1, Math.round(plotArea.getWidth() * outputScale));
        int height = (int) Math.max(1, Math.round(plotArea.getHeight() * outputScale));
        HeatmapPixels pixels = HeatmapPixels.render(visibleColumns(current, shown), width, height, colourLimit);
        WritableImage image = new WritableImage(width, height);
        image.getPixelWriter().setPixels(0, 0, width, height, PixelFormat.getIntArgbInstance(), pixels.argb(), 0,
                width);
        cells.setImage(image);
    }

    /** Returns the visible columns, in display order, as a matrix of their own. */
    private HeatmapMatrix visibleColumns(HeatmapMatrix current, HeatmapViewport shown) {
        ColumnOrder columnOrder = currentOrder();
        float[] values = new float[current.rows() * shown.visible()];
        for (int layer = 0; layer < current.rows(); layer++) {
            for (int offset = 0; offset < shown.visible(); offset++) {
                int neuron = columnOrder.neuronAt(layer, shown.first() + offset);
                values[layer * shown.visible() + offset] = current.valueAt(layer, neuron);
            }
        }
        return new HeatmapMatrix(current.rows(), shown.visible(), values, current.scale(), current.valueLabel());
    }

    private void updateScrollBar() {
        HeatmapViewport shown = viewport.get();
        boolean needed = shown != null && !shown.showsAll();
        scrollBar.setVisible(needed);
        if (!needed) {
            return;
        }
        updatingScrollBar = true;
        double range = shown.columns() - shown.visible();
        scrollBar.setMin(0);
        scrollBar.setMax(range);
        // The thumb's share of the track is visibleAmount / (max - min); this makes it visible / columns.
        scrollBar.setVisibleAmount(range * shown.visible() / shown.columns());
        scrollBar.setUnitIncrement(Math.max(1, shown.visible() / 20.0));
        scrollBar.setBlockIncrement(Math.max(1, shown.visible() * 0.9));
        scrollBar.setValue(shown.first());
        updatingScrollBar = false;
    }

    @Override
    protected void layoutChildren() {
        double width = getWidth();
        double height = getHeight();
        double legendWidth = legend.prefWidth(-1);
        // Whole pixels, so that the image is drawn 1:1 and not resampled.
        double plotWidth = Math.max(1, Math.floor(width - HeatmapAxes.LEFT_MARGIN - HeatmapAxes.LEGEND_GAP
                - legendWidth));
        double plotHeight = Math.max(1, Math.floor(height - HeatmapAxes.TOP_MARGIN - HeatmapAxes.BOTTOM_MARGIN));
        Rectangle2D area = new Rectangle2D(HeatmapAxes.LEFT_MARGIN, HeatmapAxes.TOP_MARGIN, plotWidth, plotHeight);
        boolean resized = !area.equals(plotArea);
        plotArea = area;

        axes.setWidth(width);
        axes.setHeight(height);
        overlay.setWidth(width);
        overlay.setHeight(height);
        cells.relocate(plotArea.getMinX(), plotArea.getMinY());
        cells.setFitWidth(plotWidth);
        cells.setFitHeight(plotHeight);
        legend.resizeRelocate(plotArea.getMaxX() + HeatmapAxes.LEGEND_GAP, 0, legendWidth,
                HeatmapAxes.TOP_MARGIN + plotHeight);
        scrollBar.resizeRelocate(plotArea.getMinX(), plotArea.getMaxY() + HeatmapAxes.SCROLL_BAR_OFFSET, plotWidth,
                scrollBar.prefHeight(-1));
        if (resized) {
            redraw();
        }
    }
}
