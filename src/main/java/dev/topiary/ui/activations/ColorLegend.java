package dev.topiary.ui.activations;

import java.util.ArrayList;
import java.util.List;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;

/** A vertical colour bar with numbered ticks for the heatmap's current scale: largest value at the top. */
public final class ColorLegend extends Region {

    /** Preferred width: the bar, tick marks and labels as long as "-0.0001234". */
    static final double PREFERRED_WIDTH = 96;
    private static final double BAR_WIDTH = 16;
    private static final Color TEXT_COLOUR = Color.web("#222222");
    private static final int TICKS = 5;

    private final Canvas canvas = new Canvas();
    private ValueScale scale = ValueScale.SIGNED;
    private float limit = 1;
    private String title = "";

    public ColorLegend() {
        getChildren().add(canvas);
        getStyleClass().add("color-legend");
        setPrefWidth(PREFERRED_WIDTH);
    }

    /** Shows the scale and range of a matrix, or nothing when it is null. */
    public void show(HeatmapMatrix matrix) {
        if (matrix == null) {
            title = "";
            draw();
        } else {
            show(matrix.scale(), matrix.colourLimit(), matrix.scale() == ValueScale.SIGNED ? "a" : "mean |a|");
        }
    }

    /**
     * Shows a scale with a title of its own, such as a metric name.
     *
     * @param limit the magnitude at the ends of the bar, as passed to {@link Palette#argb}
     */
    public void show(ValueScale scale, float limit, String title) {
        this.scale = scale;
        this.limit = limit;
        this.title = title;
        draw();
    }

    /** Returns the tick labels from the top of the bar down; empty when nothing is shown. */
    public List<String> tickLabels() {
        List<String> labels = new ArrayList<>();
        if (title.isEmpty()) {
            return labels;
        }
        for (int tick = 0; tick < TICKS; tick++) {
            labels.add(ActivationsViewModel.number(tickValue(tick)));
        }
        return labels;
    }

    /** Returns the value of tick {@code tick}, counted from the top: limit down to -limit, or to 0 for magnitudes. */
    private double tickValue(int tick) {
        double bottom = scale == ValueScale.SIGNED ? -limit : 0;
        return limit - (limit - bottom) * tick / (TICKS - 1);
    }

    @Override
    protected void layoutChildren() {
        canvas.setWidth(getWidth());
        canvas.setHeight(getHeight());
        draw();
    }

    private void draw() {
        GraphicsContext graphics = canvas.getGraphicsContext2D();
        graphics.clearRect(0, 0, canvas.getWidth(), canvas.getHeight());
        if (title.isEmpty() || canvas.getHeight() < 60) {
            return;
        }
        double top = 24;
        double barHeight = canvas.getHeight() - top - 8;
        graphics.setFont(Font.font(13));
        graphics.setFill(TEXT_COLOUR);
        graphics.setTextAlign(TextAlignment.LEFT);
        graphics.setTextBaseline(VPos.TOP);
        graphics.fillText(title, 0, 2);

        drawGradient(graphics, top, barHeight);
        graphics.setStroke(Color.web("#555555"));
        graphics.setLineWidth(1);
        graphics.strokeRect(0.5, top + 0.5, BAR_WIDTH, barHeight);

        graphics.setFont(Font.font(12));
        graphics.setTextBaseline(VPos.CENTER);
        List<String> labels = tickLabels();
        for (int tick = 0; tick < TICKS; tick++) {
            double y = Math.round(top + barHeight * tick / (TICKS - 1)) + 0.5;
            graphics.strokeLine(BAR_WIDTH, y, BAR_WIDTH + 5, y);
            graphics.fillText(labels.get(tick), BAR_WIDTH + 8, y);
        }
    }

    /** Fills the bar one pixel row at a time, top row for the largest value. */
    private void drawGradient(GraphicsContext graphics, double top, double barHeight) {
        int rows = (int) Math.ceil(barHeight);
        for (int row = 0; row < rows; row++) {
            double fraction = 1 - (row + 0.5) / rows;
            double value = scale == ValueScale.SIGNED ? (2 * fraction - 1) * limit : fraction * limit;
            int argb = Palette.argb(scale, (float) value, limit);
            graphics.setFill(Color.rgb(argb >> 16 & 0xFF, argb >> 8 & 0xFF, argb & 0xFF));
            graphics.fillRect(0, top + row, BAR_WIDTH, 1);
        }
        graphics.setFill(TEXT_COLOUR);
    }
}
