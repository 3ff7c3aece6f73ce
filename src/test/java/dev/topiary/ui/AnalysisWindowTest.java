package dev.topiary.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.topiary.ui.WindowDriver.columnCentre;
import static dev.topiary.ui.WindowDriver.openStories260K;
import static dev.topiary.ui.WindowDriver.showTab;
import static dev.topiary.ui.WindowDriver.text;
import static dev.topiary.ui.WindowDriver.waitUntil;

import dev.topiary.SharedModels;
import dev.topiary.activations.ActivationAnalysis;
import dev.topiary.activations.CaptureOptions;
import dev.topiary.activations.NeuronMetric;
import dev.topiary.activations.PromptSet;
import dev.topiary.activations.TopExample;
import dev.topiary.ui.activations.HeatmapCell;
import dev.topiary.ui.analysis.AnalysisViewModel;
import dev.topiary.ui.analysis.HeatmapViewport;
import dev.topiary.ui.analysis.NeuronDetailModel;
import dev.topiary.ui.analysis.PromptSetHeatmap;
import dev.topiary.ui.selection.SelectedNeurons;
import dev.topiary.ui.selection.SelectionPanel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.FlowPane;
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
 * Drives the Analysis tab headless on the real stories260K model. The tests capture a prompt set, read the
 * heatmap under each metric and sort, and click neurons into the inspector and the shared selection. They also
 * cancel a long capture and save and reopen an analysis.
 */
@ExtendWith(ApplicationExtension.class)
class AnalysisWindowTest {

    private static final Path STORIES = Path.of("sample-prompts/stories.txt");
    private static final int STORY_COUNT = countPrompts(STORIES);

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
    void emptyTabSaysWhatToDo(FxRobot robot) {
        Label placeholder = robot.lookup("#analysisPlaceholder").queryAs(Label.class);

        assertEquals(AnalysisViewModel.NO_MODEL_TEXT, placeholder.getText());
        assertTrue(placeholder.isVisible());
        assertTrue(robot.lookup("#captureButton").queryAs(Button.class).isDisabled());
        assertTrue(robot.lookup("#saveAnalysisButton").queryAs(Button.class).isDisabled());
        assertEquals(NeuronDetailModel.EMPTY_TEXT, text(robot, "#inspectorPlaceholder"));
        assertEquals(SelectionPanel.EMPTY_TEXT, text(robot, "#selectionSummary"));
    }

    @Test
    void captureShowsEveryNeuronUnderEachMetric(FxRobot robot) throws TimeoutException {
        ActivationAnalysis analysis = openModelAndCapture(robot, STORIES);
        PromptSetHeatmap heatmap = heatmap(robot);

        assertEquals(5, heatmap.rows());
        assertEquals(172, heatmap.columns());
        assertEquals(STORY_COUNT, analysis.info().promptsDone());
        assertFalse(analysis.info().partial());
        assertEquals(String.format(Locale.ROOT, "Captured %d prompts of stories (%,d tokens)", STORY_COUNT,
                analysis.info().tokens()),
                text(robot, "#jobMessage"));
        assertFalse(robot.lookup("#analysisPlaceholder").queryAs(Label.class).isVisible());
        assertHeatmapShows(heatmap, analysis, NeuronMetric.MEAN_ABS);
        String meanAbsTopTick = heatmap.legend().tickLabels().get(0);

        @SuppressWarnings("unchecked")
        ComboBox<NeuronMetric> metricChooser = robot.lookup("#metricChooser").queryAs(ComboBox.class);
        robot.interact(() -> metricChooser.setValue(NeuronMetric.MAX));

        assertHeatmapShows(heatmap, analysis, NeuronMetric.MAX);
        assertNotEquals(meanAbsTopTick, heatmap.legend().tickLabels().get(0));
        int differing = 0;
        for (int neuron = 0; neuron < 172; neuron++) {
            if (analysis.neurons().value(NeuronMetric.MAX, 2, neuron)
                    != analysis.neurons().value(NeuronMetric.MEAN_ABS, 2, neuron)) {
                differing++;
            }
        }
        assertTrue(differing > 100, differing + " of 172 neurons differ between max and mean |a|");
    }

    @Test
    void sortedHeatmapHoverReportsTrueNeuron(FxRobot robot) throws TimeoutException {
        ActivationAnalysis analysis = openModelAndCapture(robot, STORIES);
        PromptSetHeatmap heatmap = heatmap(robot);
        int largest = largestNeuron(analysis, NeuronMetric.MEAN_ABS, 3);
        int smallest = smallestNeuron(analysis, NeuronMetric.MEAN_ABS, 3);

        robot.clickOn("#sortToggle");
        WaitForAsyncUtils.waitForFxEvents();

        assertTrue(robot.lookup("#sortToggle").queryAs(CheckBox.class).isSelected());
        assertEquals(largest, heatmap.neuronAt(3, 0));
        assertEquals(smallest, heatmap.neuronAt(3, 171));
        assertNotEquals(0, largest, "the test needs a layer whose largest neuron is not neuron 0");
        for (int column = 1; column < 172; column++) {
            assertTrue(heatmap.valueAt(3, heatmap.neuronAt(3, column - 1))
                    >= heatmap.valueAt(3, heatmap.neuronAt(3, column)), "column " + column);
        }

        robot.moveTo(columnCentre(robot, heatmap, 3, 0));
        WaitForAsyncUtils.waitForFxEvents();
        HeatmapCell hovered = heatmap.hoveredCellProperty().get();
        assertNotNull(hovered);
        assertEquals(3, hovered.layer());
        assertEquals(largest, hovered.neuron());
        String hover = text(robot, "#analysisHoverInfo");
        assertTrue(hover.startsWith("Layer 3, neuron " + largest + ": mean |a| = "), hover);
        assertTrue(hover.contains("(rank 0 of 172 in its layer)"), hover);

        robot.moveTo(columnCentre(robot, heatmap, 3, 171));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(smallest, heatmap.hoveredCellProperty().get().neuron());
    }

    @Test
    void clickedNeuronFillsInspectorAndSelection(FxRobot robot) throws TimeoutException {
        ActivationAnalysis analysis = openModelAndCapture(robot, STORIES);
        PromptSetHeatmap heatmap = heatmap(robot);
        // Zoom in twice, so that each column is several pixels wide and a click hits the intended one.
        robot.clickOn("#zoomInButton").clickOn("#zoomInButton");
        HeatmapViewport viewport = heatmap.viewportProperty().get();
        assertEquals(43, viewport.visible());
        int neuron = viewport.first() + 5;

        robot.clickOn(columnCentre(robot, heatmap, 2, neuron));
        waitUntil(() -> ("Layer 2, neuron " + neuron).equals(text(robot, "#neuronTitle")));

        assertEquals(NeuronDetailModel.format(analysis.neurons().value(NeuronMetric.MEAN_ABS, 2, neuron)),
                text(robot, "#metric-1"));
        @SuppressWarnings("unchecked")
        TableView<TopExample> examples = robot.lookup("#topExamplesTable").queryAs(TableView.class);
        List<TopExample> rows = new ArrayList<>(examples.getItems());
        assertFalse(rows.isEmpty());
        assertEquals(analysis.topExamples().of(2, neuron), rows);
        for (int rank = 1; rank < rows.size(); rank++) {
            assertTrue(rows.get(rank - 1).value() >= rows.get(rank).value(), "rank " + rank);
        }
        assertTrue(rows.get(0).context().contains("[[" + rows.get(0).token() + "]]"), rows.get(0).context());
        assertEquals(SelectedNeurons.of(2, neuron), window.viewModel().selection().selected());
        assertEquals("1 neuron in 1 layer", text(robot, "#selectionSummary"));
        @SuppressWarnings("unchecked")
        ListView<String> selectionList = robot.lookup("#selectionList").queryAs(ListView.class);
        assertEquals(List.of("Layer 2: 1 neuron (" + neuron + ")"), selectionList.getItems());

        // The histogram, the weight norms and the token chips arrive from background jobs.
        waitUntil(() -> text(robot, "#sampleStatus").contains("tokens of the first " + STORY_COUNT + " prompts"));
        assertNotEquals("\u2013", text(robot, "#gateNorm"));
        assertNotEquals("\u2013", text(robot, "#downNorm"));
        assertTrue(robot.lookup("#neuronHistogram").query().isVisible());
        waitUntil(() -> text(robot, "#tokenLegendTitle").equals("a of layer 2, neuron " + neuron + ":"));
        FlowPane chips = robot.lookup("#tokenChips").queryAs(FlowPane.class);
        assertTrue(chips.getChildren().size() > 5, chips.getChildren().size() + " chips");

        // Undo with Ctrl+Z empties the selection, and Ctrl+Shift+Z brings it back.
        robot.press(KeyCode.CONTROL, KeyCode.Z).release(KeyCode.Z, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(window.viewModel().selection().selected().isEmpty());
        assertEquals(SelectionPanel.EMPTY_TEXT, text(robot, "#selectionSummary"));
        robot.press(KeyCode.CONTROL, KeyCode.SHIFT, KeyCode.Z).release(KeyCode.Z, KeyCode.SHIFT, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(SelectedNeurons.of(2, neuron), window.viewModel().selection().selected());
    }

    @Test
    void dragAndLayerClickSelectNeurons(FxRobot robot) throws TimeoutException {
        openModelAndCapture(robot, STORIES);
        PromptSetHeatmap heatmap = heatmap(robot);
        robot.clickOn("#zoomInButton").clickOn("#zoomInButton");
        int first = heatmap.viewportProperty().get().first();

        robot.drag(columnCentre(robot, heatmap, 1, first + 3), MouseButton.PRIMARY)
                .dropTo(columnCentre(robot, heatmap, 1, first + 12));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(SelectedNeurons.EMPTY.withRange(1, first + 3, first + 12),
                window.viewModel().selection().selected());

        // Shift+click extends from the drag's start; Ctrl+click on a layer number adds the whole layer.
        robot.press(KeyCode.SHIFT).clickOn(columnCentre(robot, heatmap, 1, first + 20)).release(KeyCode.SHIFT);
        assertEquals(SelectedNeurons.EMPTY.withRange(1, first + 3, first + 20),
                window.viewModel().selection().selected());
        robot.press(KeyCode.CONTROL).clickOn(layerLabel(robot, heatmap, 4)).release(KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(172, window.viewModel().selection().selected().count(4));
        assertEquals(18, window.viewModel().selection().selected().count(1));
        assertEquals("190 neurons in 2 layers", text(robot, "#selectionSummary"));
    }

    @Test
    void cancelStopsLongCapture(FxRobot robot) throws IOException, TimeoutException {
        List<String> lines = new ArrayList<>();
        List<String> stories = Files.readAllLines(STORIES);
        for (int line = 0; line < 3000; line++) {
            lines.add(stories.get(line % stories.size()) + " Then it was time number " + line + ".");
        }
        Path longSet = Files.write(temporaryFolder.resolve("long-stories.txt"), lines);
        openStories260K(robot, window);
        robot.interact(() -> {
            window.viewModel().captureSettings().choose(longSet);
            // One prompt per batch makes the capture take many seconds, so the cancel lands in the middle of it.
            window.viewModel().captureSettings().batchSizeProperty().set(1);
        });
        showTab(robot, "Analysis");

        robot.press(KeyCode.CONTROL, KeyCode.SHIFT, KeyCode.ENTER).release(KeyCode.ENTER, KeyCode.SHIFT,
                KeyCode.CONTROL);
        waitUntil(() -> window.viewModel().jobProgressProperty().get() > 0);
        robot.clickOn("#statusCancelButton");

        waitUntil(() -> !window.viewModel().busyProperty().get());
        assertTrue(text(robot, "#jobMessage").startsWith("Capture cancelled"), text(robot, "#jobMessage"));
        waitUntil(() -> window.viewModel().analysis().analysisProperty().get() != null);
        ActivationAnalysis partial = window.viewModel().analysis().analysisProperty().get();
        assertTrue(partial.info().partial());
        assertTrue(partial.info().promptsDone() > 0);
        assertTrue(partial.info().promptsDone() < 3000, partial.info().promptsDone() + " prompts done");
        assertEquals(3000, partial.info().promptCount());
        assertTrue(text(robot, "#analysisSummary").contains("Partial: the capture was cancelled"));

        // The window is usable again: a short capture runs to the end.
        assertFalse(robot.lookup("#captureButton").queryAs(Button.class).isDisabled());
        robot.interact(() -> {
            window.viewModel().captureSettings().choose(STORIES);
            // Scroll the left panel down to the Capture button.
            robot.lookup(".side-panel-scroll").queryAs(ScrollPane.class).setVvalue(1);
        });
        robot.clickOn("#captureButton");
        waitUntil(() -> !window.viewModel().busyProperty().get()
                && window.viewModel().analysis().analysisProperty().get() != partial);
        assertEquals(STORY_COUNT, window.viewModel().analysis().analysisProperty().get().info().promptsDone());
    }

    @Test
    void exportWritesNeuronAndLayerTables(FxRobot robot) throws IOException, TimeoutException {
        openModelAndCapture(robot, STORIES);
        Path neurons = temporaryFolder.resolve("stories-neurons.csv");
        Path layers = temporaryFolder.resolve("stories-layers.csv");

        robot.interact(() -> window.viewModel().analysisCommands().exportNeuronTable(neurons));
        waitUntil(() -> text(robot, "#jobMessage").startsWith("Wrote the neuron table"));
        robot.interact(() -> window.viewModel().analysisCommands().exportLayerTable(layers));
        waitUntil(() -> text(robot, "#jobMessage").startsWith("Wrote the layer table"));

        List<String> neuronRows = Files.readAllLines(neurons);
        assertEquals("layer,neuron,mean,mean_abs,std,max,fraction_active,l2", neuronRows.get(0));
        assertEquals(1 + 5 * 172, neuronRows.size());
        List<String> layerRows = Files.readAllLines(layers);
        assertEquals("layer,residual_norm,input_output_cosine,block_influence", layerRows.get(0));
        assertEquals(6, layerRows.size());
    }

    @Test
    void savedAnalysisReopensWithSameValues(FxRobot robot) throws TimeoutException {
        ActivationAnalysis captured = openModelAndCapture(robot, STORIES);
        String summary = text(robot, "#analysisSummary");
        Path folder = temporaryFolder.resolve("stories-analysis");

        robot.interact(() -> window.viewModel().analysisCommands().saveAnalysis(folder));
        waitUntil(() -> text(robot, "#jobMessage").startsWith("Saved the analysis to "));
        assertTrue(Files.isRegularFile(folder.resolve("neurons.csv")));
        robot.interact(() -> window.viewModel().analysisCommands().openAnalysis(folder));
        waitUntil(() -> window.viewModel().analysis().analysisProperty().get() != captured
                && !window.viewModel().busyProperty().get());

        ActivationAnalysis reopened = window.viewModel().analysis().analysisProperty().get();
        assertEquals(captured.info(), reopened.info());
        assertEquals(summary, text(robot, "#analysisSummary"));
        for (NeuronMetric metric : NeuronMetric.values()) {
            robot.interact(() -> window.viewModel().analysis().metricProperty().set(metric));
            assertHeatmapShows(heatmap(robot), captured, metric);
        }
        assertEquals(captured.topExamples().of(4, 100), reopened.topExamples().of(4, 100));
        assertEquals(STORY_COUNT, window.viewModel().analysis().tokens().choices().size());

        // Saving again into the same folder is refused with a dialog that names it.
        robot.interact(() -> window.viewModel().analysisCommands().saveAnalysis(folder));
        waitUntil(() -> robot.lookup("#errorDialog").tryQuery().isPresent());
        DialogPane dialog = robot.lookup("#errorDialog").queryAs(DialogPane.class);
        assertTrue(dialog.getHeaderText().contains("exists and is not empty"), dialog.getHeaderText());
        robot.clickOn(dialog.lookupButton(ButtonType.OK));
    }

    @Test
    void openedAnalysisWithoutModelNamesIt(FxRobot robot) throws Exception {
        InferenceService inference = new InferenceService();
        LoadedModel model = inference.load(SharedModels.stories260K());
        Path folder = temporaryFolder.resolve("saved");
        try {
            inference.capture(model, PromptSet.read(STORIES), CaptureOptions.defaults(), (done, total) -> {},
                    () -> false).save(folder);
        } finally {
            inference.close(model);
        }

        robot.interact(() -> window.viewModel().analysisCommands().openAnalysis(folder));
        waitUntil(() -> window.viewModel().analysis().analysisProperty().get() != null);
        showTab(robot, "Analysis");
        robot.clickOn(columnCentre(robot, heatmap(robot), 1, 86));

        String expected = "Open the model stories260K to compute the histogram, weight norms and tokens.";
        waitUntil(() -> expected.equals(text(robot, "#sampleStatus")));
        assertEquals("Layer 1, neuron " + heatmap(robot).hoveredCellProperty().get().neuron(),
                text(robot, "#neuronTitle"));
        assertEquals("\u2013", text(robot, "#gateNorm"));
        assertEquals(expected, window.viewModel().analysis().tokens().statusProperty().get());
        assertEquals(STORY_COUNT, window.viewModel().analysis().tokens().choices().size());
    }

    private ActivationAnalysis openModelAndCapture(FxRobot robot, Path prompts) throws TimeoutException {
        openStories260K(robot, window);
        robot.interact(() -> window.viewModel().captureSettings().choose(prompts));
        showTab(robot, "Analysis");
        robot.press(KeyCode.CONTROL, KeyCode.SHIFT, KeyCode.ENTER).release(KeyCode.ENTER, KeyCode.SHIFT,
                KeyCode.CONTROL);
        waitUntil(() -> window.viewModel().analysis().analysisProperty().get() != null
                && !window.viewModel().busyProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        return window.viewModel().analysis().analysisProperty().get();
    }

    private static PromptSetHeatmap heatmap(FxRobot robot) {
        return robot.lookup("#setHeatmap").queryAs(PromptSetHeatmap.class);
    }

    /** Asserts that every cell of the heatmap contains the metric's value of its neuron. */
    private static void assertHeatmapShows(PromptSetHeatmap heatmap, ActivationAnalysis analysis,
            NeuronMetric metric) {
        for (int layer = 0; layer < 5; layer++) {
            for (int neuron = 0; neuron < 172; neuron++) {
                double expected = analysis.neurons().value(metric, layer, neuron);
                assertEquals(expected, heatmap.valueAt(layer, neuron), 1e-6 * Math.max(1, Math.abs(expected)),
                        metric + " of layer " + layer + ", neuron " + neuron);
            }
        }
    }

    private static int largestNeuron(ActivationAnalysis analysis, NeuronMetric metric, int layer) {
        int best = 0;
        for (int neuron = 1; neuron < analysis.neurons().neurons(); neuron++) {
            if ((float) analysis.neurons().value(metric, layer, neuron)
                    > (float) analysis.neurons().value(metric, layer, best)) {
                best = neuron;
            }
        }
        return best;
    }

    private static int smallestNeuron(ActivationAnalysis analysis, NeuronMetric metric, int layer) {
        int worst = 0;
        for (int neuron = 1; neuron < analysis.neurons().neurons(); neuron++) {
            if ((float) analysis.neurons().value(metric, layer, neuron)
                    <= (float) analysis.neurons().value(metric, layer, worst)) {
                worst = neuron;
            }
        }
        return worst;
    }

    /** Returns the screen point of a layer's number, left of the cells. */
    private static Point2D layerLabel(FxRobot robot, PromptSetHeatmap heatmap, int layer) {
        Node cells = robot.lookup("#setHeatmapCells").query();
        Bounds screen = cells.localToScreen(cells.getBoundsInLocal());
        return new Point2D(screen.getMinX() - 12, screen.getMinY() + (layer + 0.5) * screen.getHeight()
                / heatmap.rows());
    }

    private static int countPrompts(Path file) {
        try {
            return (int) Files.readAllLines(file).stream().filter(line -> !line.isBlank()).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
