package dev.topiary.ui;

import static dev.topiary.ui.WindowDriver.openStories260K;
import static dev.topiary.ui.WindowDriver.showTab;
import static dev.topiary.ui.WindowDriver.waitUntil;

import dev.topiary.training.RunState;
import dev.topiary.ui.training.ChartPane;
import dev.topiary.ui.training.TrainingViewModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeoutException;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.framework.junit5.Stop;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Saves screenshots of the Train tab at the default 1280x800 window size, for a person to look at: before any run,
 * during a LoRA run on stories260K, and after it is cancelled. Not part of the suite (the class name does not end in
 * Test): run it with {@code mvn -o -Dtest=TrainingScreenshotTour -Dsurefire.failIfNoSpecifiedTests=false test}; the
 * PNG files go to {@code target/screenshots}.
 */
@ExtendWith(ApplicationExtension.class)
class TrainingScreenshotTour {

    private static final Path OUTPUT = Path.of("target/screenshots");

    @TempDir
    Path temp;
    private MainWindow window;
    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        window = WindowDriver.showWithEmptyLibrary(stage, temp);
        stage.setWidth(Double.parseDouble(System.getProperty("tour.width", "1280")));
        stage.setHeight(Double.parseDouble(System.getProperty("tour.height", "800")));
    }

    @Stop
    void stop() {
        window.close();
    }

    @Test
    void trainTabBeforeDuringAndAfterRun(FxRobot robot) throws TimeoutException, IOException {
        Files.createDirectories(OUTPUT);
        TrainingViewModel training = window.viewModel().training();
        save(robot, "train-library");
        openStories260K(robot, window);
        showTab(robot, "Train");
        save(robot, "train-empty");

        robot.interact(() -> {
            training.stepsProperty().set("1500");
            training.batchSizeProperty().set("2");
            training.sequenceLengthProperty().set("32");
            training.evalEveryProperty().set("10");
            training.outputProperty().set(temp.resolve("lora-tour").toString());
        });
        robot.clickOn("#trainStartButton");
        waitUntil(() -> !training.runs().isEmpty());
        save(robot, "train-first-step");
        waitUntil(() -> robot.lookup("#trainLossChart").queryAs(ChartPane.class).pointsDrawnProperty().get() >= 25);
        save(robot, "train-running");

        robot.clickOn("#trainCancelButton");
        waitUntil(() -> training.activeStateProperty().get() == RunState.CANCELLED
                && !window.viewModel().busyProperty().get());
        save(robot, "train-cancelled");
    }

    private void save(FxRobot robot, String name) throws IOException {
        WaitForAsyncUtils.waitForFxEvents();
        WritableImage[] image = new WritableImage[1];
        robot.interact(() -> image[0] = stage.getScene().snapshot(null));
        ImageIO.write(SwingFXUtils.fromFXImage(image[0], null), "png", OUTPUT.resolve(name + ".png").toFile());
    }
}
