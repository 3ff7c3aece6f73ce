package dev.topiary.ui.activations;

import java.util.List;
import java.util.Optional;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.geometry.Rectangle2D;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.input.MouseEvent;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.shape.Rectangle;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;

/**
 * A heatmap of one value per layer and neuron: layers down the vertical axis (layer 0 at the top), neurons along
 * the horizontal one, a colour legend on the right. The cells are drawn as one image rendered at the plot's size in
 * device pixels (see {@link HeatmapPixels}), because one shape per cell is far too slow for models with thousands
 * of neurons per layer.
 *
 * <p>Every mapping from the mouse to a cell goes through {@link #cellAt}, which works in the coordinates of the
 * plot area, so zooming into a range of neurons only has to change that mapping and the image viewport.
 */
public final class ActivationHeatmap extends Region {

    private static final double LEFT_MARGIN = 64;
    /** Space above the title, and the height of each of its lines. */
    private static final double TITLE_TOP = 4;
    private static final double TITLE_LINE_HEIGHT = 17;
    /** Height of the legend's own title above its colour bar, which lines up with the top of the plot. */
    private static final double LEGEND_TITLE_HEIGHT = 24;
    private static final double BOTTOM_MARGIN = 48;
    private static final double LEGEND_GAP = 16;
    private static final Font TICK_FONT = Font.font(12);
    private static final Font TITLE_FONT = Font.font(13);
    private static final Color TEXT_COLOUR = Color.web("#222222");

    private final ObjectProperty<HeatmapMatrix> matrix = new SimpleObjectProperty<>(this, "matrix");
    private final ReadOnlyObjectWrapper<HeatmapCell> hoveredCell = new ReadOnlyObjectWrapper<>(this, "hoveredCell");
    private final Canvas axes = new Canvas();
    private final ImageView cells = new ImageView();
    private final Rectangle hoverMarker = new Rectangle();
    private final ColorLegend legend = new ColorLegend();
    private Rectangle2D plotArea = Rectangle2D.EMPTY;
    /** The title above the plot, wrapped to the plot's width so that it never runs into the legend's title. */
    private List<String> titleLines = List.of();
    /** The matrix and pixel size of the current image, so that layout passes re-render only after a change. */
    private HeatmapMatrix renderedMatrix;
    private int renderedWidth;
    private int renderedHeight;

    public ActivationHeatmap() {
        getStyleClass().add("activation-heatmap");
        cells.setSmooth(false);
        cells.setPreserveRatio(false);
        cells.setId("heatmapCells");
        hoverMarker.setManaged(false);
        hoverMarker.setMouseTransparent(true);
        hoverMarker.setFill(Color.TRANSPARENT);
        hoverMarker.setStroke(Color.BLACK);
        hoverMarker.setStrokeWidth(1.5);
        hoverMarker.setVisible(false);
        getChildren().addAll(axes, cells, hoverMarker, legend);

        matrix.addListener((property, before, now) -> showMatrix(now));
        cells.addEventHandler(MouseEvent.MOUSE_MOVED, event -> hover(event.getX(), event.getY()));
        cells.addEventHandler(MouseEvent.MOUSE_EXITED, event -> hover(-1, -1));
        setMinSize(240, 160);
        setPrefSize(900, 420);
    }

    /** Returns the property of the values drawn; null draws an empty plot. */
    public ObjectProperty<HeatmapMatrix> matrixProperty() {
        return matrix;
    }

    /** Returns the property of the cell under the mouse; its value is null when the mouse is outside the cells. */
    public ReadOnlyObjectProperty<HeatmapCell> hoveredCellProperty() {
        return hoveredCell.getReadOnlyProperty();
    }

    /** Returns the number of layers (rows) drawn, 0 when empty. */
    public int rows() {
        return matrix.get() == null ? 0 : matrix.get().rows();
    }

    /** Returns the number of neurons (columns) drawn, 0 when empty. */
    public int columns() {
        return matrix.get() == null ? 0 : matrix.get().columns();
    }

    /** Returns the value drawn at a layer and neuron. */
    public float valueAt(int layer, int neuron) {
        if (matrix.get() == null) {
            throw new IllegalStateException("The heatmap is empty");
        }
        return matrix.get().valueAt(layer, neuron);
    }

    public ColorLegend legend() {
        return legend;
    }

    /** Returns the cell at a point given relative to the top left of the cells, if there is one. */
    public Optional<HeatmapCell> cellAt(double x, double y) {
        HeatmapMatrix current = matrix.get();
        if (current == null || x < 0 || y < 0 || x >= plotArea.getWidth() || y >= plotArea.getHeight()) {
            return Optional.empty();
        }
        int neuron = Math.min(current.columns() - 1, (int) (x / plotArea.getWidth() * current.columns()));
        int layer = Math.min(current.rows() - 1, (int) (y / plotArea.getHeight() * current.rows()));
        return Optional.of(new HeatmapCell(layer, neuron, current.valueAt(layer, neuron)));
    }

    private void hover(double x, double y) {
        HeatmapCell cell = cellAt(x, y).orElse(null);
        hoveredCell.set(cell);
        hoverMarker.setVisible(cell != null);
        if (cell != null) {
            double cellWidth = plotArea.getWidth() / columns();
            double cellHeight = plotArea.getHeight() / rows();
            hoverMarker.setX(plotArea.getMinX() + cell.neuron() * cellWidth);
            hoverMarker.setY(plotArea.getMinY() + cell.layer() * cellHeight);
            hoverMarker.setWidth(Math.max(cellWidth, 3));
            hoverMarker.setHeight(cellHeight);
        }
    }

    private void showMatrix(HeatmapMatrix current) {
        hover(-1, -1);
        legend.show(current);
        // The title may need another line, which moves the plot: lay out again rather than only redraw.
        requestLayout();
        renderCells();
        drawAxes();
    }

    private static String title(HeatmapMatrix current) {
        return "MLP neuron activations (mlp.hook_post): " + current.valueLabel();
    }

    /** Renders the cells at the plot's size in device pixels, unless the image already matches. */
    private void renderCells() {
        HeatmapMatrix current = matrix.get();
        double outputScale = getScene() == null || getScene().getWindow() == null
                ? 1
                : getScene().getWindow().getOutputScaleX();
        int width = (int) Math.max(1, Math.round(plotArea.getWidth() * outputScale));
        int height = (int) Math.max(1, Math.round(plotArea.getHeight() * outputScale));
        if (current == renderedMatrix && width == renderedWidth && height == renderedHeight) {
            return;
        }
        renderedMatrix = current;
        renderedWidth = width;
        renderedHeight = height;
        if (current == null) {
            cells.setImage(null);
            return;
        }
        HeatmapPixels pixels = HeatmapPixels.render(current, width, height);
        WritableImage image = new WritableImage(width, height);
        image.getPixelWriter().setPixels(0, 0, width, height, PixelFormat.getIntArgbInstance(), pixels.argb(), 0,
                width);
        cells.setImage(image);
    }

    @Override
    protected void layoutChildren() {
        double width = getWidth();
        double height = getHeight();
        double legendWidth = ColorLegend.PREFERRED_WIDTH;
        // Whole pixels, so that the image is drawn 1:1 and not resampled.
        double plotWidth = Math.max(1, Math.floor(width - LEFT_MARGIN - LEGEND_GAP - legendWidth));
        HeatmapMatrix current = matrix.get();
        titleLines = current == null ? List.of() : ChartTitle.wrap(title(current), TITLE_FONT, plotWidth, 2);
        double topMargin = Math.max(LEGEND_TITLE_HEIGHT, 2 * TITLE_TOP + TITLE_LINE_HEIGHT * titleLines.size());
        double plotHeight = Math.max(1, Math.floor(height - topMargin - BOTTOM_MARGIN));
        plotArea = new Rectangle2D(LEFT_MARGIN, topMargin, plotWidth, plotHeight);

        axes.setWidth(width);
        axes.setHeight(height);
        cells.relocate(plotArea.getMinX(), plotArea.getMinY());
        cells.setFitWidth(plotWidth);
        cells.setFitHeight(plotHeight);
        legend.resizeRelocate(plotArea.getMaxX() + LEGEND_GAP, topMargin - LEGEND_TITLE_HEIGHT, legendWidth,
                LEGEND_TITLE_HEIGHT + plotHeight);
        renderCells();
        drawAxes();
    }

    private void drawAxes() {
        GraphicsContext graphics = axes.getGraphicsContext2D();
        graphics.clearRect(0, 0, axes.getWidth(), axes.getHeight());
        HeatmapMatrix current = matrix.get();
        if (current == null || plotArea.getWidth() < 2) {
            return;
        }
        graphics.setFill(TEXT_COLOUR);
        graphics.setStroke(Color.web("#555555"));
        graphics.setLineWidth(1);
        graphics.strokeRect(plotArea.getMinX() - 0.5, plotArea.getMinY() - 0.5, plotArea.getWidth() + 1,
                plotArea.getHeight() + 1);

        graphics.setFont(TITLE_FONT);
        graphics.setTextAlign(TextAlignment.LEFT);
        graphics.setTextBaseline(VPos.TOP);
        for (int line = 0; line < titleLines.size(); line++) {
            graphics.fillText(titleLines.get(line), plotArea.getMinX(), TITLE_TOP + line * TITLE_LINE_HEIGHT);
        }

        drawLayerTicks(graphics, current.rows());
        drawNeuronTicks(graphics, current.columns());
    }

    /** Labels every layer that fits at 16 pixels per label, and titles the axis "Layer". */
    private void drawLayerTicks(GraphicsContext graphics, int rows) {
        double cellHeight = plotArea.getHeight() / rows;
        int step = Math.max(1, (int) Math.ceil(16 / cellHeight));
        graphics.setFont(TICK_FONT);
        graphics.setTextAlign(TextAlignment.RIGHT);
        graphics.setTextBaseline(VPos.CENTER);
        for (int layer = 0; layer < rows; layer += step) {
            double y = plotArea.getMinY() + (layer + 0.5) * cellHeight;
            graphics.strokeLine(plotArea.getMinX() - 5, y, plotArea.getMinX() - 1, y);
            graphics.fillText(Integer.toString(layer), plotArea.getMinX() - 8, y);
        }

        graphics.save();
        graphics.translate(16, plotArea.getMinY() + plotArea.getHeight() / 2);
        graphics.rotate(-90);
        graphics.setFont(TITLE_FONT);
        graphics.setTextAlign(TextAlignment.CENTER);
        graphics.fillText("Layer", 0, 0);
        graphics.restore();
    }

    /** Labels neurons at a round step (1, 2 or 5 times a power of ten) about 80 pixels apart. */
    private void drawNeuronTicks(GraphicsContext graphics, int columns) {
        double cellWidth = plotArea.getWidth() / columns;
        int step = niceStep(columns / Math.max(1, plotArea.getWidth() / 80));
        graphics.setFont(TICK_FONT);
        graphics.setTextAlign(TextAlignment.CENTER);
        graphics.setTextBaseline(VPos.TOP);
        for (int neuron = 0; neuron < columns; neuron += step) {
            double x = plotArea.getMinX() + (neuron + 0.5) * cellWidth;
            graphics.strokeLine(x, plotArea.getMaxY() + 1, x, plotArea.getMaxY() + 5);
            graphics.fillText(Integer.toString(neuron), x, plotArea.getMaxY() + 7);
        }
        graphics.setFont(TITLE_FONT);
        graphics.fillText("Neuron (F = " + columns + ")", plotArea.getMinX() + plotArea.getWidth() / 2,
                plotArea.getMaxY() + 26);
    }

    /** Returns the smallest of 1, 2, 5, 10, 20, 50, ... that is at least {@code rough}. */
    static int niceStep(double rough) {
        int magnitude = 1;
        while (true) {
            for (int factor : new int[] {1, 2, 5}) {
                if (factor * magnitude >= rough) {
                    return factor * magnitude;
                }
            }
            magnitude *= 10;
        }
    }
}
