package dev.topiary.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.topiary.ui.WindowDriver.columnCentre;
import static dev.topiary.ui.WindowDriver.openStories260K;
import static dev.topiary.ui.WindowDriver.showTab;
import static dev.topiary.ui.WindowDriver.text;
import static dev.topiary.ui.WindowDriver.waitUntil;

import ai.djl.ndarray.NDScope;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topiary.activations.ActivationRecorder;
import dev.topiary.engine.TensorEngine;
import dev.topiary.model.Ablation;
import dev.topiary.model.LanguageModel;
import dev.topiary.model.ModelConfig;
import dev.topiary.pruning.PrunePlan;
import dev.topiary.pruning.PrunePreview;
import dev.topiary.ui.analysis.PromptSetHeatmap;
import dev.topiary.ui.pruning.PlanSizes;
import dev.topiary.ui.pruning.PreviewOutcome;
import dev.topiary.ui.pruning.PruneViewModel;
import dev.topiary.ui.selection.SelectedNeurons;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.VBox;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;
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
 * Drives the Prune tab headless on the real stories260K model (D 64, F 172, 5 layers). The tests check the live
 * sizes and a preview of neurons selected in the Analysis heatmap. They check that the exported model computes
 * what the preview's ablation computes, and that an export into a non-empty folder is rejected.
 */
@ExtendWith(ApplicationExtension.class)
class PruneWindowTest {

    private static final Path STORIES = Path.of("sample-prompts/stories.txt");
    private static final String PRUNE_TAB = "Prune";

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
    void emptyTabAsksForModel(FxRobot robot) {
        showTab(robot, PRUNE_TAB);

        Label placeholder = robot.lookup("#prunePlaceholder").queryAs(Label.class);
        assertEquals(PruneViewModel.NO_MODEL_TEXT, placeholder.getText());
        assertTrue(placeholder.isVisible());
        assertFalse(robot.lookup("#pruneContent").query().isVisible());
    }

    @Test
    void sizesFollowWidthAndDepthSettings(FxRobot robot) throws TimeoutException {
        openStories260K(robot, window);
        showTab(robot, PRUNE_TAB);
        ModelConfig config = window.viewModel().loadedModel().model().config();
        long perLayer = (config.parameterCount() - (long) config.vocabSize() * 64 - 64) / 5;
        long perNeuron = 3L * 64 * 5;

        // Removing 25% of 172 keeps 129.
        assertEquals("172 \u2192 129", text(robot, "#sizeIntermediate"));
        assertEquals("5 \u2192 5", text(robot, "#sizeLayers"));
        assertEquals(PlanSizes.formatCount(config.parameterCount()) + " \u2192 "
                + PlanSizes.formatCount(config.parameterCount() - 43 * perNeuron), text(robot, "#sizeParameters"));

        robot.interact(() -> window.viewModel().pruning().roundToProperty().set(8));
        assertEquals("172 \u2192 128", text(robot, "#sizeIntermediate"));

        clickSetting(robot, "#checkedDepthButton");
        clickSetting(robot, "#removeLayer-2");
        assertEquals("5 \u2192 4 (removes 2)", text(robot, "#sizeLayers"));
        long expected = config.parameterCount() - 44 * perNeuron - perLayer + 44L * 3 * 64;
        assertEquals(PlanSizes.formatCount(config.parameterCount()) + " \u2192 " + PlanSizes.formatCount(expected),
                text(robot, "#sizeParameters"));
        assertEquals(String.format(Locale.ROOT, "%.1f%% of the parameters",
                100 * (1 - (double) expected / config.parameterCount())), text(robot, "#sizeSaved"));

        // An expansion ratio of 2 keeps 2 x 64 neurons.
        clickSetting(robot, "#ratioButton");
        robot.interact(() -> window.viewModel().pruning().ratioProperty().set(2.0));
        assertEquals("172 \u2192 128", text(robot, "#sizeIntermediate"));

        // Without an analysis, lowest influence is invalid, and so is an empty selection.
        clickSetting(robot, "#countDepthButton");
        robot.interact(() -> window.viewModel().pruning().layerChoiceProperty()
                .set(dev.topiary.pruning.LayerChoice.INFLUENCE));
        assertTrue(text(robot, "#planError").contains("needs an analysis"), text(robot, "#planError"));
        assertTrue(robot.lookup("#previewButton").queryAs(Button.class).isDisabled());
        assertEquals("\u2013", text(robot, "#sizeIntermediate"));
        clickSetting(robot, "#keepDepthButton");
        clickSetting(robot, "#selectionButton");
        assertTrue(text(robot, "#planError").startsWith("No neurons are selected"), text(robot, "#planError"));
        assertTrue(robot.lookup("#constraintNote").query().isVisible());
    }

    @Test
    void selectedNeuronsPreviewAndExport(FxRobot robot) throws Exception {
        // Short prompt and held-out sets and few new tokens keep the test quick on a busy two-core machine.
        List<String> stories = Files.readAllLines(STORIES);
        Path prompts = Files.write(temporaryFolder.resolve("prompts.txt"), stories.subList(0, 8));
        Path heldOut = Files.write(temporaryFolder.resolve("held-out.txt"), stories.subList(20, 26));
        openStories260K(robot, window);
        captureStories(robot, prompts);
        int first = selectTenNeuronsOfLayerOne(robot);
        robot.interact(() -> {
            window.viewModel().promptProperty().set("Once upon a time, there was a little dog");
            window.viewModel().pruning().heldOut().choose(heldOut);
            window.viewModel().pruning().previewTokensProperty().set(16);
            window.viewModel().pruning().previewSetPromptsProperty().set(1);
        });

        showTab(robot, PRUNE_TAB);
        clickSetting(robot, "#selectionButton");
        assertEquals("172 \u2192 162", text(robot, "#sizeIntermediate"));
        assertEquals(PruneViewModel.CONSTRAINT_NOTE, text(robot, "#constraintNote"));
        assertTrue(robot.lookup("#constraintNote").query().isVisible());

        robot.clickOn("#previewButton");
        waitUntil(() -> window.viewModel().pruning().previewProperty().get() != null
                && !window.viewModel().busyProperty().get());
        PreviewOutcome outcome = window.viewModel().pruning().previewProperty().get();
        PrunePreview.Result result = outcome.result();
        PrunePlan plan = outcome.plan();

        // The typed prompt and the first prompt of the set, each shown as original and pruned text.
        assertEquals(2, result.generations().size());
        assertEquals(stories.get(0), result.generations().get(1).prompt());
        assertEquals(2, robot.lookup("#generationsBox").queryAs(VBox.class).getChildren().size());
        for (int index = 0; index < 2; index++) {
            PrunePreview.Generation generation = result.generations().get(index);
            assertFalse(generation.original().isBlank(), "original " + index);
            assertFalse(generation.pruned().isBlank(), "pruned " + index);
            assertEquals(generation.original(), flowText(robot, "#originalText-" + index));
            assertEquals(generation.pruned(), flowText(robot, "#prunedText-" + index));
        }
        assertEquals("Once upon a time, there was a little dog", result.generations().get(0).prompt());
        double before = Double.parseDouble(text(robot, "#perplexityBefore"));
        double after = Double.parseDouble(text(robot, "#perplexityAfter"));
        assertEquals(result.perplexityBefore(), before, 1e-3);
        assertEquals(result.perplexityAfter(), after, 1e-3);
        assertTrue(after >= before, "perplexity " + before + " before, " + after + " after");
        assertEquals(PlanSizes.formatCount(result.parametersBefore()), text(robot, "#parametersBefore"));
        assertEquals(PlanSizes.formatCount(result.parametersAfter()), text(robot, "#parametersAfter"));
        assertEquals(result.parametersBefore() - 10L * 3 * 64 * 5, result.parametersAfter());
        assertEquals("held-out", outcome.heldOutName());
        assertEquals("Perplexity on held-out (6 texts)", text(robot, "#perplexityLabel"));
        assertEquals(162, plan.intermediateSize());
        for (int neuron = first + 3; neuron <= first + 12; neuron++) {
            assertTrue(contains(plan.removedNeurons(1, 172), neuron), "neuron " + neuron + " of layer 1");
        }

        Path folder = temporaryFolder.resolve("stories260K-pruned");
        robot.interact(() -> window.viewModel().pruneCommands().export(folder));
        waitUntil(() -> robot.lookup("#exportDoneDialog").tryQuery().isPresent());

        JsonNode config = new ObjectMapper().readTree(folder.resolve("config.json").toFile());
        assertEquals(plan.intermediateSize(), config.get("intermediate_size").asInt());
        assertEquals(5, config.get("num_hidden_layers").asInt());
        JsonNode record = new ObjectMapper().readTree(folder.resolve("topiary.json").toFile());
        assertEquals("selection", record.get("method").asText());
        assertEquals("ppm", record.get("parameters").get("score").asText());
        assertTrue(record.get("parameters").get("pairs").isNull());
        assertEquals(result.parametersAfter(), record.get("parameters_after").asLong());
        assertExportedLogitsEqualAblation(folder, plan);

        DialogPane done = robot.lookup("#exportDoneDialog").queryAs(DialogPane.class);
        robot.clickOn(done.lookupButton(done.getButtonTypes().get(0)));
        waitUntil(() -> "stories260K-pruned".equals(text(robot, "#modelName"))
                && !window.viewModel().busyProperty().get());
        assertEquals("162", text(robot, "#intermediateSize"));
    }

    @Test
    void exportIntoNonEmptyFolderShowsError(FxRobot robot) throws IOException, TimeoutException {
        openStories260K(robot, window);
        showTab(robot, PRUNE_TAB);
        Path folder = Files.createDirectories(temporaryFolder.resolve("occupied"));
        Files.writeString(folder.resolve("notes.txt"), "keep me");

        robot.interact(() -> window.viewModel().pruneCommands().export(folder));
        waitUntil(() -> robot.lookup("#errorDialog").tryQuery().isPresent());

        DialogPane dialog = robot.lookup("#errorDialog").queryAs(DialogPane.class);
        assertTrue(dialog.getHeaderText().contains("exists and is not empty"), dialog.getHeaderText());
        assertTrue(dialog.getContentText().startsWith("Choose a new or empty folder"), dialog.getContentText());
        robot.clickOn(dialog.lookupButton(ButtonType.OK));
        assertEquals(List.of(folder.resolve("notes.txt")), list(folder));
        assertEquals("keep me", Files.readString(folder.resolve("notes.txt")));
        assertEquals(List.of(folder), list(temporaryFolder), "no staging folder is left behind");
        assertEquals("Export pruned model failed", text(robot, "#jobMessage"));
    }

    /** Loads the exported model and compares its logits with the window's model under the plan's ablation. */
    private void assertExportedLogitsEqualAblation(Path folder, PrunePlan plan) throws Exception {
        TensorEngine engine = TensorEngine.get();
        LanguageModel original = window.viewModel().loadedModel().model();
        int[] tokens = original.tokenizer().encode("Once upon a time, there was a big dog. He liked to run.");
        float[] ablated = engine.call(manager -> {
            original.transformer().setAblation(plan.ablation(original.config()));
            try {
                return logits(original, tokens);
            } finally {
                original.transformer().setAblation(Ablation.none(original.config().numHiddenLayers()));
            }
        });
        float[] exported;
        try (LanguageModel pruned = LanguageModel.load(engine, folder, null)) {
            assertEquals(162, pruned.config().intermediateSize());
            exported = engine.call(manager -> logits(pruned, tokens));
        }
        assertEquals(ablated.length, exported.length);
        for (int i = 0; i < ablated.length; i++) {
            assertEquals(ablated[i], exported[i], 1e-4, "logit " + i);
        }
    }

    private static float[] logits(LanguageModel model, int[] tokens) {
        try (NDScope scope = new NDScope()) {
            return model.transformer().forward(new int[][] {tokens}, null, ActivationRecorder.NONE, false)
                    .toFloatArray();
        }
    }

    private void captureStories(FxRobot robot, Path prompts) throws TimeoutException {
        robot.interact(() -> window.viewModel().captureSettings().choose(prompts));
        showTab(robot, "Analysis");
        robot.press(KeyCode.CONTROL, KeyCode.SHIFT, KeyCode.ENTER).release(KeyCode.ENTER, KeyCode.SHIFT,
                KeyCode.CONTROL);
        waitUntil(() -> window.viewModel().analysis().analysisProperty().get() != null
                && !window.viewModel().busyProperty().get());
    }

    /** Drags across ten neurons of layer 1 in the zoomed Analysis heatmap; returns the first visible neuron. */
    private int selectTenNeuronsOfLayerOne(FxRobot robot) {
        PromptSetHeatmap heatmap = robot.lookup("#setHeatmap").queryAs(PromptSetHeatmap.class);
        robot.clickOn("#zoomInButton").clickOn("#zoomInButton");
        int first = heatmap.viewportProperty().get().first();
        robot.drag(columnCentre(robot, heatmap, 1, first + 3), MouseButton.PRIMARY)
                .dropTo(columnCentre(robot, heatmap, 1, first + 12));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(SelectedNeurons.EMPTY.withRange(1, first + 3, first + 12),
                window.viewModel().selection().selected());
        return first;
    }

    /** Scrolls the Prune tab's settings to a control, which a narrow window may hide, and clicks it. */
    private static void clickSetting(FxRobot robot, String query) {
        Node node = robot.lookup(query).query();
        ScrollPane scroll = robot.lookup(".prune-settings-scroll").queryAs(ScrollPane.class);
        robot.interact(() -> {
            Node content = scroll.getContent();
            Bounds bounds = content.sceneToLocal(node.localToScene(node.getBoundsInLocal()));
            double hidden = content.getBoundsInLocal().getHeight() - scroll.getViewportBounds().getHeight();
            scroll.setVvalue(hidden <= 0 ? 0 : Math.min(1, Math.max(0, (bounds.getMinY() - 8) / hidden)));
        });
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn(node);
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static boolean contains(int[] values, int value) {
        for (int candidate : values) {
            if (candidate == value) {
                return true;
            }
        }
        return false;
    }

    private static List<Path> list(Path folder) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.sorted().toList();
        }
    }

    private static String flowText(FxRobot robot, String query) {
        StringBuilder text = new StringBuilder();
        for (Node child : robot.lookup(query).queryAs(TextFlow.class).getChildren()) {
            text.append(((Text) child).getText());
        }
        return text.toString();
    }
}
