package dev.topiary.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.topiary.ui.WindowDriver.text;
import static dev.topiary.ui.WindowDriver.waitUntil;

import dev.topiary.SharedModels;
import dev.topiary.ui.activations.ActivationHeatmap;
import dev.topiary.ui.activations.ActivationsViewModel;
import dev.topiary.ui.activations.PromptRun;
import dev.topiary.ui.activations.TokenChoice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeoutException;
import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.framework.junit5.Stop;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Drives the main window headless (Monocle) the way a user does: type a model path, open it, type a prompt, run
 * it, read the heatmap. Every test starts from empty in-memory settings, so the user's saved preferences neither
 * change the tests nor get changed by them.
 */
@ExtendWith(ApplicationExtension.class)
class MainViewTest {


    private MainWindow window;

    @TempDir
    Path temporaryFolder;

    @Start
    void start(Stage stage) {
        window = MainWindow.show(stage, UiSettings.inMemory());
    }

    @Stop
    void stop() {
        window.close();
    }

    @Test
    void emptyWindowAsksForModel(FxRobot robot) {
        Label placeholder = robot.lookup("#placeholder").queryAs(Label.class);

        assertEquals(ActivationsViewModel.NO_MODEL_TEXT, placeholder.getText());
        assertTrue(placeholder.isVisible());
        assertTrue(robot.lookup("#runButton").queryAs(Button.class).isDisabled());
        assertTrue(robot.lookup("#openButton").queryAs(Button.class).isDisabled());
        // Capture reads the stories of sample-prompts by default, not the fairness pairs listed before them.
        assertEquals(Path.of("sample-prompts/stories.txt").toAbsolutePath(),
                window.viewModel().captureSettings().promptFileProperty().get());
    }

    @Test
    void runShowsHeatmapOfEveryLayer(FxRobot robot) throws TimeoutException {
        openModel(robot, SharedModels.stories260K());
        assertEquals("stories260K", text(robot, "#modelName"));
        assertEquals("5", text(robot, "#layers"));
        assertEquals("172", text(robot, "#intermediateSize"));
        assertEquals("512", text(robot, "#vocabSize"));
        assertEquals("8 / 4", text(robot, "#heads"));

        type(robot, "#prompt", "Once upon a time");
        robot.clickOn("#runButton");
        waitUntil(() -> !window.viewModel().busyProperty().get());

        ActivationHeatmap heatmap = robot.lookup("#heatmap").queryAs(ActivationHeatmap.class);
        assertEquals(5, heatmap.rows());
        assertEquals(172, heatmap.columns());
        assertTrue(Float.isFinite(heatmap.valueAt(4, 171)));
        assertFalse(robot.lookup("#placeholder").queryAs(Label.class).isVisible());
        assertEquals("Once upon a time", robot.lookup("#promptText").queryAs(Text.class).getText());
        assertFalse(robot.lookup("#continuationText").queryAs(Text.class).getText().isBlank());
        List<String> ticks = heatmap.legend().tickLabels();
        assertEquals(5, ticks.size());
        assertTrue(Double.parseDouble(ticks.get(0)) > 0, "top tick " + ticks.get(0));
        assertEquals(0.0, Double.parseDouble(ticks.get(4)), "mean |a| starts at zero");
    }

    @Test
    void statusLinesHaveFullTextTooltips(FxRobot robot) throws TimeoutException {
        openModel(robot, SharedModels.stories260K());
        type(robot, "#prompt", "Once upon a time");
        robot.clickOn("#runButton");
        waitUntil(() -> !window.viewModel().busyProperty().get());

        for (String query : List.of("#jobMessage", "#statusDevice", "#runSummary")) {
            Label label = robot.lookup(query).queryAs(Label.class);
            assertFalse(label.getText().isBlank(), query + " is empty");
            assertNotNull(label.getTooltip(), query + " has no tooltip");
            assertEquals(label.getText(), label.getTooltip().getText(), query);
        }
    }

    @Test
    void hoverReportsLayerNeuronValueAndToken(FxRobot robot) throws TimeoutException {
        openModel(robot, SharedModels.stories260K());
        type(robot, "#prompt", "Once upon a time");
        robot.press(KeyCode.CONTROL, KeyCode.ENTER).release(KeyCode.ENTER, KeyCode.CONTROL);
        waitUntil(() -> window.viewModel().activations().runProperty().get() != null
                && !window.viewModel().busyProperty().get());

        // Show the signed activations at position 2, a prompt token.
        @SuppressWarnings("unchecked")
        ComboBox<TokenChoice> selector = robot.lookup("#tokenSelector").queryAs(ComboBox.class);
        robot.interact(() -> selector.getSelectionModel().select(3));
        TokenChoice choice = selector.getValue();
        assertEquals(2, choice.position());

        ActivationHeatmap heatmap = robot.lookup("#heatmap").queryAs(ActivationHeatmap.class);
        robot.moveTo(cellCentre(robot.lookup("#heatmapCells").query(), 3, 100, heatmap));
        WaitForAsyncUtils.waitForFxEvents();

        String hover = text(robot, "#hoverInfo");
        String tokenText = window.viewModel().activations().runProperty().get().tokenTexts().get(2);
        assertTrue(hover.startsWith("Layer 3, neuron 100: "), hover);
        assertTrue(hover.contains(String.format(java.util.Locale.ROOT, "%.4g", heatmap.valueAt(3, 100))), hover);
        assertTrue(hover.contains("at token 2 \u2018" + tokenText + "\u2019"), hover);
    }

    @Test
    void typedMaxTokensLimitsRun(FxRobot robot) throws TimeoutException {
        openModel(robot, SharedModels.stories260K());
        type(robot, "#prompt", "Once upon a time");

        // Letters are dropped as they are typed, and Ctrl+Enter runs with the digits not yet committed by Enter.
        type(robot, "#maxNewTokens .text-field", "1x2");
        assertEquals("12", robot.lookup("#maxNewTokens .text-field").queryAs(TextField.class).getText());
        robot.press(KeyCode.CONTROL, KeyCode.ENTER).release(KeyCode.ENTER, KeyCode.CONTROL);
        waitUntil(() -> window.viewModel().activations().runProperty().get() != null
                && !window.viewModel().busyProperty().get());

        PromptRun run = window.viewModel().activations().runProperty().get();
        assertEquals(12, run.generatedTokens());
        assertEquals("Generated 12 tokens from " + run.promptLength() + " prompt tokens", text(robot, "#jobMessage"));
    }

    @Test
    void openingGarbageFileShowsErrorNamingIt(FxRobot robot) throws IOException, TimeoutException {
        Path garbage = temporaryFolder.resolve("garbage-checkpoint.bin");
        byte[] bytes = new byte[4096];
        Arrays.fill(bytes, (byte) 0x7F);
        Files.write(garbage, bytes);

        type(robot, "#modelPath", garbage.toString());
        robot.clickOn("#openButton");
        DialogPane dialog = waitForErrorDialog(robot);
        assertTrue(dialog.getHeaderText().startsWith(garbage + ": "), dialog.getHeaderText());
        assertFalse(dialog.getContentText().isBlank());
        robot.clickOn(dialog.lookupButton(ButtonType.OK));
        WaitForAsyncUtils.waitForFxEvents();

        // The window is still usable: nothing is loaded, the job has ended, and a second open reports its own file.
        assertEquals("Open model failed", text(robot, "#jobMessage"));
        assertEquals("\u2013", text(robot, "#modelName"));
        assertFalse(robot.lookup("#openButton").queryAs(Button.class).isDisabled());
        Path missing = temporaryFolder.resolve("no-such-model");
        type(robot, "#modelPath", missing.toString());
        robot.clickOn("#openButton");
        DialogPane second = waitForErrorDialog(robot);
        assertTrue(second.getHeaderText().startsWith(missing + ": not found"), second.getHeaderText());
        robot.clickOn(second.lookupButton(ButtonType.OK));
    }

    private void openModel(FxRobot robot, Path model) throws TimeoutException {
        type(robot, "#modelPath", model.toString());
        robot.clickOn("#openButton");
        waitUntil(() -> window.viewModel().modelProperty().get() != null && !window.viewModel().busyProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** Replaces the text of a field by typing, as a user does with Ctrl+A and then the new text. */
    private static void type(FxRobot robot, String query, String text) {
        robot.clickOn(query);
        robot.press(KeyCode.CONTROL, KeyCode.A).release(KeyCode.A, KeyCode.CONTROL);
        // No pause between characters: the default 25 ms per character makes a long path take seconds to type.
        robot.write(text, 0);
    }

    private static DialogPane waitForErrorDialog(FxRobot robot) throws TimeoutException {
        waitUntil(() -> robot.lookup("#errorDialog").tryQuery().isPresent());
        WaitForAsyncUtils.waitForFxEvents();
        return robot.lookup("#errorDialog").queryAs(DialogPane.class);
    }

    /** Returns the screen point at the centre of one cell of the heatmap image. */
    private static Point2D cellCentre(Node cells, int layer, int neuron, ActivationHeatmap heatmap) {
        Bounds screen = cells.localToScreen(cells.getBoundsInLocal());
        double x = screen.getMinX() + (neuron + 0.5) * screen.getWidth() / heatmap.columns();
        double y = screen.getMinY() + (layer + 0.5) * screen.getHeight() / heatmap.rows();
        return new Point2D(x, y);
    }
}
