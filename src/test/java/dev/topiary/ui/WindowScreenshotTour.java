package dev.topiary.ui;

import static dev.topiary.ui.WindowDriver.openStories260K;
import static dev.topiary.ui.WindowDriver.showTab;
import static dev.topiary.ui.WindowDriver.waitUntil;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeoutException;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextInputControl;
import javafx.scene.image.WritableImage;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.framework.junit5.Stop;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Saves a screenshot of each stage tab at the default 1280x800 window size after real work on stories260K, for a
 * person to look at. Not part of the suite (the class name does not end in Test): run it with
 * {@code mvn -o -Dtest=WindowScreenshotTour -Dsurefire.failIfNoSpecifiedTests=false test}; the PNG files go to
 * {@code target/screenshots}.
 */
@ExtendWith(ApplicationExtension.class)
class WindowScreenshotTour {

    private static final Path OUTPUT = Path.of("target/screenshots");

    private MainWindow window;
    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        window = MainWindow.show(stage, UiSettings.inMemory());
        stage.setWidth(Double.parseDouble(System.getProperty("tour.width", "1280")));
        stage.setHeight(Double.parseDouble(System.getProperty("tour.height", "800")));
    }

    @Stop
    void stop() {
        window.close();
    }

    @Test
    void everyTabAfterWork(FxRobot robot) throws TimeoutException, IOException, InterruptedException {
        Files.createDirectories(OUTPUT);
        openStories260K(robot, window);
        save(robot, "picker");

        robot.clickOn("#prompt");
        robot.interact(() -> robot.lookup("#prompt").queryAs(TextInputControl.class).setText("Once upon a time"));
        robot.clickOn("#runButton");
        waitUntil(() -> !window.viewModel().busyProperty().get());
        save(robot, "activations");

        robot.interact(() -> window.viewModel().captureSettings().choose(Path.of("sample-prompts/stories.txt")));
        showTab(robot, "Analysis");
        robot.press(KeyCode.CONTROL, KeyCode.SHIFT, KeyCode.ENTER).release(KeyCode.ENTER, KeyCode.SHIFT,
                KeyCode.CONTROL);
        waitUntil(() -> window.viewModel().analysis().analysisProperty().get() != null
                && !window.viewModel().busyProperty().get());
        robot.clickOn("#setHeatmapCells");
        waitUntil(() -> !window.viewModel().busyProperty().get());
        Thread.sleep(3000);
        WaitForAsyncUtils.waitForFxEvents();
        save(robot, "analysis");
        robot.interact(() -> robot.lookup("#lowerTabs").queryAs(TabPane.class).getSelectionModel().select(1));
        save(robot, "analysis-layers");

        showTab(robot, "Fairness");
        robot.interact(() -> window.viewModel().fairness().pairFiles()
                .choose(Path.of("sample-prompts/fairness-pairs-stories.jsonl")));
        robot.clickOn("#measureButton");
        waitUntil(() -> window.viewModel().fairness().beforeProperty().get() != null
                && !window.viewModel().busyProperty().get());
        save(robot, "fairness");
        robot.interact(() -> robot.lookup("#fairnessTables").queryAs(TabPane.class).getSelectionModel().select(1));
        save(robot, "fairness-pairs");

        for (String tab : new String[] {"Prune", "Evaluate", "Train"}) {
            showTab(robot, tab);
            save(robot, tab.toLowerCase());
        }
    }

    private void save(FxRobot robot, String name) throws IOException {
        WaitForAsyncUtils.waitForFxEvents();
        WritableImage[] image = new WritableImage[1];
        robot.interact(() -> image[0] = stage.getScene().snapshot(null));
        ImageIO.write(SwingFXUtils.fromFXImage(image[0], null), "png", OUTPUT.resolve(name + ".png").toFile());
    }
}
