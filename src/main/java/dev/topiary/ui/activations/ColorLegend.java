package dev.topiary.ui.activations;

import java.util.ArrayList;
import java.util.List;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;

/** A vertical colour bar with numbered ticks for the heatmap's current scale: largest value at the top. */
public final class ColorLegend extends Region {

    /** Preferred width: the bar, tick marks and labels as long as "-0.0001234". */
    static final double PREFERRED_WIDTH = 96;
    private static final double BAR_WIDTH = 16;
    private static final int GRADIENT_STEPS = 256;
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
        } else {
            scale = matrix.scale();
            limit = matrix.colourLimit();
            title = matrix.scale() == ValueScale.SIGNED ? "a" : "mean |a|";
        }
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
        graphics.setFill(Color.web("#222222"));
        graphics.setTextAlign(TextAlignment.LEFT);
        graphics.setTextBaseline(VPos.TOP);
        graphics.fillText(title, 0, 2);

        graphics.drawImage(gradient(), 0, top, BAR_WIDTH, barHeight);
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

    /** Renders the palette as a 1-pixel-wide image, top row for the top of the bar. */
    private WritableImage gradient() {
        int[] argb = new int[GRADIENT_STEPS];
        for (int step = 0; step < GRADIENT_STEPS; step++) {
            double fraction = 1 - step / (double) (GRADIENT_STEPS - 1);
            double value = scale == ValueScale.SIGNED ? (2 * fraction - 1) * limit : fraction * limit;
            argb[step] = Palette.argb(scale, (float) value, limit);
        }
        WritableImage image = new WritableImage(1, GRADIENT_STEPS);
        image.getPixelWriter().setPixels(0, 0, 1, GRADIENT_STEPS, PixelFormat.getIntArgbInstance(), argb, 0, 1);
        return image;
    }
}
