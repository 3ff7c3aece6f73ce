package dev.topiary.ui.analysis;

import javafx.geometry.Rectangle2D;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.Text;
import javafx.scene.text.TextAlignment;

/**
 * The frame, title and axes of a {@link PromptSetHeatmap}: layer numbers on the left, which the user can click,
 * and column ticks below for the visible columns only.
 */
final class HeatmapAxes extends Canvas {

    static final double LEFT_MARGIN = 64;
    static final double TOP_MARGIN = 28;
    /** Room below the cells for the tick labels, the axis title and the scroll bar. */
    static final double BOTTOM_MARGIN = 68;
    static final double SCROLL_BAR_OFFSET = 48;
    static final double LEGEND_GAP = 16;
    private static final Font TICK_FONT = Font.font(12);
    private static final Font HOVERED_TICK_FONT = Font.font(null, FontWeight.BOLD, 13);
    private static final Font TITLE_FONT = Font.font(13);
    private static final Color TEXT_COLOUR = Color.web("#222222");
    private static final Color LINK_COLOUR = Color.web("#1a5fb4");

    /**
     * The state that one drawing shows.
     *
     * @param plot where the cells lie
     * @param viewport the visible columns
     * @param rows the number of layers
     * @param title the title above the plot
     * @param sorted whether columns are ranks of a sort rather than neuron indices
     * @param hoveredLayer the layer whose number is under the mouse, or -1
     */
    record Drawing(Rectangle2D plot, HeatmapViewport viewport, int rows, String title, boolean sorted,
            int hoveredLayer) {}

    /** Redraws everything, or clears the canvas when {@code drawing} is null. */
    void draw(Drawing drawing) {
        GraphicsContext graphics = getGraphicsContext2D();
        graphics.clearRect(0, 0, getWidth(), getHeight());
        if (drawing == null || drawing.plot().getWidth() < 2) {
            return;
        }
        Rectangle2D plot = drawing.plot();
        graphics.setFill(TEXT_COLOUR);
        graphics.setStroke(Color.web("#555555"));
        graphics.setLineWidth(1);
        graphics.strokeRect(plot.getMinX() - 0.5, plot.getMinY() - 0.5, plot.getWidth() + 1, plot.getHeight() + 1);

        graphics.setFont(TITLE_FONT);
        graphics.setTextAlign(TextAlignment.LEFT);
        graphics.setTextBaseline(VPos.TOP);
        graphics.fillText(fitted(drawing.title(), TITLE_FONT, plot.getWidth()), plot.getMinX(), 4);

        drawLayerTicks(graphics, drawing);
        drawColumnTicks(graphics, drawing);
    }

    /** Labels every layer that fits at 16 pixels per label; the hovered layer is drawn bold as a link. */
    private static void drawLayerTicks(GraphicsContext graphics, Drawing drawing) {
        Rectangle2D plot = drawing.plot();
        double cellHeight = plot.getHeight() / drawing.rows();
        int step = Math.max(1, (int) Math.ceil(16 / cellHeight));
        graphics.setTextAlign(TextAlignment.RIGHT);
        graphics.setTextBaseline(VPos.CENTER);
        for (int layer = 0; layer < drawing.rows(); layer++) {
            boolean hovered = layer == drawing.hoveredLayer();
            if (layer % step != 0 && !hovered) {
                continue;
            }
            double y = plot.getMinY() + (layer + 0.5) * cellHeight;
            graphics.strokeLine(plot.getMinX() - 5, y, plot.getMinX() - 1, y);
            graphics.setFont(hovered ? HOVERED_TICK_FONT : TICK_FONT);
            graphics.setFill(hovered ? LINK_COLOUR : TEXT_COLOUR);
            graphics.fillText(Integer.toString(layer), plot.getMinX() - 8, y);
        }
        graphics.setFill(TEXT_COLOUR);

        graphics.save();
        graphics.translate(16, plot.getMinY() + plot.getHeight() / 2);
        graphics.rotate(-90);
        graphics.setFont(TITLE_FONT);
        graphics.setTextAlign(TextAlignment.CENTER);
        graphics.fillText("Layer", 0, 0);
        graphics.restore();
    }

    /** Labels visible columns at a round step about 80 pixels apart. */
    private static void drawColumnTicks(GraphicsContext graphics, Drawing drawing) {
        Rectangle2D plot = drawing.plot();
        HeatmapViewport viewport = drawing.viewport();
        double cellWidth = plot.getWidth() / viewport.visible();
        int step = niceStep(viewport.visible() / Math.max(1, plot.getWidth() / 80));
        graphics.setFont(TICK_FONT);
        graphics.setTextAlign(TextAlignment.CENTER);
        graphics.setTextBaseline(VPos.TOP);
        int firstTick = (viewport.first() + step - 1) / step * step;
        for (int column = firstTick; column < viewport.end(); column += step) {
            double x = plot.getMinX() + (column - viewport.first() + 0.5) * cellWidth;
            graphics.strokeLine(x, plot.getMaxY() + 1, x, plot.getMaxY() + 5);
            graphics.fillText(Integer.toString(column), x, plot.getMaxY() + 7);
        }
        graphics.setFont(TITLE_FONT);
        String shown = viewport.showsAll()
                ? ""
                : ", showing " + viewport.first() + "\u2013" + (viewport.end() - 1);
        String title = drawing.sorted()
                ? "Rank within each layer, largest first (F = " + viewport.columns() + shown + ")"
                : "Neuron (F = " + viewport.columns() + shown + ")";
        graphics.fillText(title, plot.getMinX() + plot.getWidth() / 2, plot.getMaxY() + 25);
    }

    /** Returns the text, cut at the end with an ellipsis if needed, so that it fits a width in a font. */
    static String fitted(String text, Font font, double width) {
        Text measure = new Text(text);
        measure.setFont(font);
        if (measure.getLayoutBounds().getWidth() <= width) {
            return text;
        }
        for (int length = text.length() - 1; length > 0; length--) {
            measure.setText(text.substring(0, length) + "\u2026");
            if (measure.getLayoutBounds().getWidth() <= width) {
                return measure.getText();
            }
        }
        return "";
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
