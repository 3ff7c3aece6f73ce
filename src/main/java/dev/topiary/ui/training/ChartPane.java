package dev.topiary.ui.training;

import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.layout.Region;

/**
 * Shows a chart drawn elsewhere as an image, sized to the pane. {@link TrainingCharts} draws the charts on its own
 * thread, so a redraw never holds up the FX thread; this pane only swaps in the finished image.
 */
public final class ChartPane extends Region {

    private final ImageView image = new ImageView();
    private final ReadOnlyIntegerWrapper pointsDrawn = new ReadOnlyIntegerWrapper(this, "pointsDrawn");

    public ChartPane() {
        image.setPreserveRatio(false);
        getChildren().add(image);
        getStyleClass().add("chart-pane");
        setMinSize(120, 90);
        setPrefSize(480, 320);
    }

    /**
     * Shows a drawn chart.
     *
     * @param points the points of the first shown run's main curve in it, for tests and status checks
     */
    void show(Image drawn, int points) {
        image.setImage(drawn);
        pointsDrawn.set(points);
        requestLayout();
    }

    /** Returns the points of the first shown run's main curve in the image shown. */
    public ReadOnlyIntegerProperty pointsDrawnProperty() {
        return pointsDrawn.getReadOnlyProperty();
    }

    /** Returns the pixel size to draw at: the layout size times the screen's scale, at least 1 x 1. */
    int pixelWidth() {
        return (int) Math.max(1, Math.round(getWidth() * outputScale()));
    }

    int pixelHeight() {
        return (int) Math.max(1, Math.round(getHeight() * outputScale()));
    }

    private double outputScale() {
        return getScene() == null || getScene().getWindow() == null ? 1 : getScene().getWindow().getOutputScaleX();
    }

    @Override
    protected void layoutChildren() {
        image.setFitWidth(getWidth());
        image.setFitHeight(getHeight());
        image.relocate(0, 0);
    }
}
