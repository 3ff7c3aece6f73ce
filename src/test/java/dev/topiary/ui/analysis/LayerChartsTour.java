package dev.topiary.ui.analysis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.jfree.chart.fx.ChartViewer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Saves the per-layer charts of a 30-layer model, at the size the Analysis tab gives them in a 1280x800 window, for
 * a person to check that every layer stays readable. Not part of the suite: run it with
 * {@code mvn -o -Dtest=LayerChartsTour -Dsurefire.failIfNoSpecifiedTests=false test}; the PNG goes to
 * {@code target/screenshots}.
 */
@ExtendWith(ApplicationExtension.class)
class LayerChartsTour {

    private static final int LAYERS = 30;

    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        double[] norms = new double[LAYERS];
        double[] cosines = new double[LAYERS];
        for (int layer = 0; layer < LAYERS; layer++) {
            norms[layer] = 2 + layer * 0.8 + (layer % 3) * 0.3;
            cosines[layer] = layer == 0 ? 0.42 : 0.97 - 0.1 * Math.exp(-layer / 6.0);
        }
        HBox charts = new HBox(4, new ChartViewer(AnalysisCharts.residualNorms(norms)),
                new ChartViewer(AnalysisCharts.inputOutputCosines(cosines)));
        charts.getChildren().forEach(chart -> HBox.setHgrow(chart, Priority.ALWAYS));
        // A fixed size inside a plain pane, since the headless stage takes the whole screen.
        charts.setMinSize(570, 230);
        charts.setMaxSize(570, 230);
        stage.setScene(new Scene(new Pane(charts)));
        stage.show();
    }

    @Test
    void thirtyLayers(FxRobot robot) throws IOException {
        WaitForAsyncUtils.waitForFxEvents();
        WritableImage[] image = new WritableImage[1];
        robot.interact(() -> image[0] = stage.getScene().getRoot().snapshot(null, null));
        Path output = Files.createDirectories(Path.of("target/screenshots"));
        ImageIO.write(SwingFXUtils.fromFXImage(image[0], null), "png", output.resolve("layers-30.png").toFile());
    }
}
