package dev.topiary.ui;

import dev.topiary.SharedModels;
import dev.topiary.library.HfCache;
import dev.topiary.library.HubDownloader;
import dev.topiary.library.ModelLibrary;
import dev.topiary.ui.analysis.HeatmapViewport;
import dev.topiary.ui.analysis.PromptSetHeatmap;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.stage.Stage;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/** The steps every window test takes: open stories260K, switch tabs, wait for jobs, read labels. */
final class WindowDriver {

    /** Generous: the first test in a fresh JVM starts the PyTorch engine, and the machine may be busy. */
    static final long TIMEOUT_SECONDS = 180;

    private WindowDriver() {}

    /**
     * Shows the window with a library of its own under {@code folder} (no models.cfg, an empty Hub cache) and a
     * downloader aimed at port 9 (discard) on the loopback address, so that neither the user's models nor the
     * network reach the test.
     */
    static MainWindow showWithEmptyLibrary(Stage stage, Path folder) {
        HfCache cache = new HfCache(folder.resolve("hub-cache"));
        ModelLibrary library = new ModelLibrary(folder.resolve("models.cfg"), folder.resolve("user"), cache);
        return MainWindow.show(stage, UiSettings.inMemory(), library,
                new HubDownloader(URI.create("http://127.0.0.1:9"), null, cache));
    }

    /** Opens the shared stories260K model through the view model and waits until the load job is done. */
    static void openStories260K(FxRobot robot, MainWindow window) throws TimeoutException {
        Path model = SharedModels.stories260K();
        robot.interact(() -> window.viewModel().openModel(model));
        waitUntil(() -> window.viewModel().modelProperty().get() != null && !window.viewModel().busyProperty().get());
    }

    /** Selects the stage tab whose title is {@code title}, such as "Prune". */
    static void showTab(FxRobot robot, String title) {
        TabPane tabs = robot.lookup("#stageTabs").queryAs(TabPane.class);
        Tab tab = tabs.getTabs().stream().filter(candidate -> candidate.getText().equals(title)).findFirst()
                .orElseThrow(() -> new AssertionError("The window has no tab titled " + title));
        robot.interact(() -> tabs.getSelectionModel().select(tab));
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** Waits for a condition, then for the FX events it caused, since it may hold before the FX thread is done. */
    static void waitUntil(Callable<Boolean> condition) throws TimeoutException {
        WaitForAsyncUtils.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS, condition);
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** Returns the text of the label that {@code query} finds. */
    static String text(FxRobot robot, String query) {
        return robot.lookup(query).queryAs(Label.class).getText();
    }

    /** Returns the screen point at the centre of a display column of one layer of the Analysis heatmap. */
    static Point2D columnCentre(FxRobot robot, PromptSetHeatmap heatmap, int layer, int column) {
        Node cells = robot.lookup("#setHeatmapCells").query();
        Bounds screen = cells.localToScreen(cells.getBoundsInLocal());
        HeatmapViewport viewport = heatmap.viewportProperty().get();
        double x = screen.getMinX() + (column - viewport.first() + 0.5) * screen.getWidth() / viewport.visible();
        double y = screen.getMinY() + (layer + 0.5) * screen.getHeight() / heatmap.rows();
        return new Point2D(x, y);
    }
}
