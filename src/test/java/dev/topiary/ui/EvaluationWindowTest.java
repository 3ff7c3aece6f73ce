package dev.topiary.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.SharedModels;
import dev.topiary.export.HfFolderWriter;
import dev.topiary.model.Checkpoint;
import dev.topiary.model.ModelLoader;
import dev.topiary.pruning.NeuronScoreMethod;
import dev.topiary.pruning.NeuronScores;
import dev.topiary.pruning.PrunePlan;
import dev.topiary.pruning.Pruner;
import dev.topiary.ui.evaluation.EvaluationReport;
import dev.topiary.ui.evaluation.EvaluationRow;
import dev.topiary.ui.evaluation.EvaluationViewModel;
import dev.topiary.ui.evaluation.ModelChoice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.GridPane;
import javafx.stage.Stage;
import org.jfree.chart.fx.ChartViewer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.framework.junit5.Stop;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Drives the Evaluate tab headless on the real stories260K model and a copy with half of its MLP neurons removed
 * by L2 norm, which the test writes as a Hugging Face folder. The library is an empty temporary one.
 */
@ExtendWith(ApplicationExtension.class)
class EvaluationWindowTest {

    /** Generous: two models are scored, and the first test in a fresh JVM also starts the PyTorch engine. */
    private static final long TIMEOUT_SECONDS = 180;
    /** Half of stories260K's 172 MLP neurons per layer. */
    private static final int KEPT_NEURONS = 86;

    @TempDir
    static Path shared;
    private static Path pruned;

    @TempDir
    Path temp;
    private MainWindow window;

    @BeforeAll
    static void writePrunedCopy() throws Exception {
        try (Checkpoint checkpoint = ModelLoader.open(SharedModels.stories260K(), null)) {
            float[][] scores = NeuronScores.compute(NeuronScoreMethod.L2, checkpoint.config(), checkpoint.tensors(),
                    null);
            pruned = HfFolderWriter.write(Pruner.prune(checkpoint, PrunePlan.keepTopNeurons(scores, KEPT_NEURONS)),
                    shared.resolve("stories260K-pruned"));
        }
    }

    @Start
    void start(Stage stage) {
        window = WindowDriver.showWithEmptyLibrary(stage, temp);
    }

    @Stop
    void stop() {
        window.close();
    }

    @Test
    void evaluateComparesModelWithPrunedCopy(FxRobot robot) throws Exception {
        MainViewModel main = window.viewModel();
        robot.interact(() -> main.openModel(SharedModels.stories260K()));
        waitUntil(() -> main.modelProperty().get() != null && !main.busyProperty().get());
        robot.interact(() -> {
            main.addSessionModel(pruned);
            robot.lookup("#stageTabs").queryAs(TabPane.class).getSelectionModel().select(
                    robot.lookup("#stageTabs").queryAs(TabPane.class).getTabs().stream()
                            .filter(tab -> tab.getText().equals("Evaluate")).findFirst().orElseThrow());
        });
        EvaluationViewModel evaluation = main.evaluation();
        assertEquals(List.of("stories260K", "stories260K-pruned"),
                evaluation.candidates().chosen().stream().map(ModelChoice::name).toList());
        assertEquals("stories.txt", evaluation.textSetProperty().get().getFileName().toString());
        // Keep the run short: two prompts of eight tokens, and a short speed test.
        robot.interact(() -> {
            evaluation.promptsProperty().set("Once upon a time\nThe little dog");
            evaluation.generationTokensProperty().set(8);
            evaluation.speedTokensProperty().set(8);
        });
        robot.clickOn(robot.lookup("#taskList .check-box").queryAs(Node.class));
        assertTrue(evaluation.tasks().get(0).chosenProperty().get(), "story-endings is ticked");

        robot.clickOn("#runEvaluationButton");
        waitUntil(() -> evaluation.reportProperty().get() != null && !main.busyProperty().get());
        WaitForAsyncUtils.waitForFxEvents();

        EvaluationReport report = evaluation.reportProperty().get();
        assertEquals(2, report.rows().size());
        EvaluationRow original = report.rows().get(0);
        EvaluationRow smaller = report.rows().get(1);
        assertEquals(0.0, original.text().meanKl(), 1e-9, "KL of the reference to itself");
        assertEquals(1.0, original.text().topOneAgreement(), "agreement of the reference with itself");
        assertTrue(smaller.text().perplexity() > original.text().perplexity(),
                smaller.text().perplexity() + " vs " + original.text().perplexity());
        assertTrue(smaller.text().meanKl() > 0);
        assertTrue(smaller.parameters() < original.parameters());
        assertEquals(original.text().tokens(), smaller.text().tokens());

        @SuppressWarnings("unchecked")
        TableView<EvaluationRow> table = robot.lookup("#resultTable").queryAs(TableView.class);
        assertEquals(2, table.getItems().size());
        assertEquals("0.0000", cell(table, "column-kl-vs-ref", 0));
        assertEquals("1.0000", cell(table, "column-top-1-agree", 0));
        assertEquals("stories260K-pruned", cell(table, "column-model", 1));
        assertEquals(String.format(Locale.ROOT, "%.4f", smaller.text().perplexity()),
                cell(table, "column-perplexity", 1));
        assertFalse(cell(table, "column-story-endings-acc", 0).isEmpty());

        for (String chart : List.of("#perplexityChart", "#accuracyChart", "#speedChart")) {
            ChartViewer viewer = robot.lookup(chart).queryAs(ChartViewer.class);
            assertEquals(2, viewer.getChart().getCategoryPlot().getDataset().getColumnCount(), chart + " bars");
            assertEquals(1.0, viewer.getChart().getCategoryPlot().getDataset().getValue(0, 0).doubleValue(), 1e-12,
                    chart + ": the first model is 1.0");
        }
        ChartViewer perplexityChart = robot.lookup("#perplexityChart").queryAs(ChartViewer.class);
        assertEquals(smaller.text().perplexity() / original.text().perplexity(),
                perplexityChart.getChart().getCategoryPlot().getDataset().getValue(0, 1).doubleValue(), 1e-9);

        List<GridPane> generations = robot.lookup("#evaluationGenerationsBox .generation-grid").queryAllAs(GridPane.class)
                .stream().toList();
        assertEquals(2, generations.size(), "one row of columns per prompt");
        for (GridPane row : generations) {
            assertEquals(2, row.getChildren().size(), "one column per model");
        }
        assertEquals(2, original.generations().size());
        assertFalse(original.generations().get(0).isBlank());

        checkExports(robot, main, report);
    }

    @Test
    void singleModelSummaryIsSingular(FxRobot robot) throws Exception {
        MainViewModel main = openStoriesOnEvaluateTab(robot);
        EvaluationViewModel evaluation = main.evaluation();

        robot.interact(() -> main.evaluationCommands().run());
        waitUntil(() -> evaluation.reportProperty().get() != null && !main.busyProperty().get());
        WaitForAsyncUtils.waitForFxEvents();

        String summary = evaluation.summaryProperty().get();
        assertTrue(summary.startsWith("1 model on stories ("), summary);
        assertTrue(main.jobMessageProperty().get().startsWith("Evaluated 1 model on stories in "),
                main.jobMessageProperty().get());
    }

    @Test
    void modelWithoutTokenizerNamesFix(FxRobot robot) throws Exception {
        MainViewModel main = openStoriesOnEvaluateTab(robot);
        Path noTokenizer = SharedModels.require("tiny-random-llama");
        assertFalse(Files.exists(noTokenizer.resolve("tokenizer.json")), "the test needs a model without one");
        robot.interact(() -> main.addSessionModel(noTokenizer));

        robot.interact(() -> main.evaluationCommands().run());
        waitUntil(() -> robot.lookup("#errorDialog").tryQuery().isPresent());
        WaitForAsyncUtils.waitForFxEvents();

        DialogPane dialog = robot.lookup("#errorDialog").queryAs(DialogPane.class);
        assertTrue(dialog.getHeaderText().contains("tiny-random-llama has no tokenizer"), dialog.getHeaderText());
        assertTrue(dialog.getContentText().startsWith("Untick the model in the Evaluate tab's model list, or add "
                + "tokenizer.json to its folder"), dialog.getContentText());
        robot.clickOn(dialog.lookupButton(ButtonType.OK));
    }

    /** Opens stories260K and sets up a short evaluation: no generations and no speed test. */
    private MainViewModel openStoriesOnEvaluateTab(FxRobot robot) throws TimeoutException {
        MainViewModel main = window.viewModel();
        robot.interact(() -> main.openModel(SharedModels.stories260K()));
        waitUntil(() -> main.modelProperty().get() != null && !main.busyProperty().get());
        robot.interact(() -> {
            main.evaluation().promptsProperty().set("");
            main.evaluation().speedTokensProperty().set(0);
        });
        return main;
    }

    private void checkExports(FxRobot robot, MainViewModel main, EvaluationReport report) throws Exception {
        Path csv = temp.resolve("evaluation.csv");
        Path markdown = temp.resolve("evaluation.md");
        robot.interact(() -> main.evaluationCommands().exportTable(csv, "csv"));
        waitUntil(() -> Files.exists(csv) && !main.busyProperty().get());
        robot.interact(() -> main.evaluationCommands().exportTable(markdown, "markdown"));
        waitUntil(() -> Files.exists(markdown) && !main.busyProperty().get());

        List<String> lines = Files.readAllLines(csv);
        assertEquals(3, lines.size(), "header and two rows");
        List<String> header = Arrays.asList(lines.get(0).split(","));
        for (int row = 0; row < 2; row++) {
            List<String> cells = Arrays.asList(lines.get(row + 1).split(","));
            EvaluationRow expected = report.rows().get(row);
            assertEquals(expected.name(), cells.get(header.indexOf("model")));
            assertEquals(Long.toString(expected.parameters()), cells.get(header.indexOf("parameters")));
            assertEquals(Long.toString(expected.text().tokens()), cells.get(header.indexOf("tokens")));
            assertEquals(expected.text().perplexity(), Double.parseDouble(cells.get(header.indexOf("perplexity"))),
                    1e-4);
            assertEquals(expected.text().meanKl(), Double.parseDouble(cells.get(header.indexOf("kl_to_reference"))),
                    1e-4);
            assertEquals(expected.tasks().get(0).accuracy(),
                    Double.parseDouble(cells.get(header.indexOf("story-endings_accuracy"))), 1e-4);
        }
        assertEquals(1.0, Double.parseDouble(lines.get(1).split(",")[header.indexOf("perplexity_vs_first")]));

        List<String> table = new ArrayList<>(Files.readAllLines(markdown));
        assertEquals(4, table.size(), "header, rule and two rows");
        assertTrue(table.get(0).startsWith("| model | parameters |"), table.get(0));
        for (int row = 0; row < 2; row++) {
            String perplexity = String.format(Locale.ROOT, "%.4f", report.rows().get(row).text().perplexity());
            assertTrue(table.get(row + 2).contains("| " + perplexity + " |"), table.get(row + 2));
        }
    }

    @Test
    void cancelledRunLeavesOpenModelUsable(FxRobot robot) throws TimeoutException {
        MainViewModel main = window.viewModel();
        robot.interact(() -> main.openModel(SharedModels.stories260K()));
        waitUntil(() -> main.modelProperty().get() != null && !main.busyProperty().get());
        robot.interact(() -> {
            main.addSessionModel(pruned);
            main.evaluationCommands().run();
        });
        // Cancel once the open model is being scored, so that the job has used it and then lets go of it.
        waitUntil(() -> main.jobMessageProperty().get().startsWith("Evaluating 1 of 2"));
        robot.interact(() -> main.evaluationCommands().cancel());
        waitUntil(() -> !main.busyProperty().get());
        WaitForAsyncUtils.waitForFxEvents();

        String status = robot.lookup("#jobMessage").queryAs(Label.class).getText();
        assertTrue(status.startsWith("Evaluate cancelled"), status);
        // The evaluation used the open model as it was loaded; a prompt still runs on it afterwards.
        robot.interact(() -> {
            main.promptProperty().set("Once upon a time");
            main.maxNewTokensProperty().set(4);
            main.runPrompt();
        });
        waitUntil(() -> main.activations().runProperty().get() != null && !main.busyProperty().get());
        assertEquals(4, main.activations().runProperty().get().generatedTokens());
    }

    @Test
    void emptyTabExplainsHowToStart(FxRobot robot) {
        Label placeholder = robot.lookup("#evaluationPlaceholder").queryAs(Label.class);

        assertEquals(EvaluationViewModel.NO_RESULTS_TEXT, placeholder.getText());
        assertTrue(robot.lookup("#runEvaluationButton").queryAs(Button.class).isDisabled());
        assertTrue(window.viewModel().evaluation().candidates().candidates().isEmpty());
    }

    @Test
    void strideNotBelowWindowIsRejected(FxRobot robot) throws TimeoutException {
        MainViewModel main = window.viewModel();
        robot.interact(() -> {
            main.addSessionModel(pruned);
            main.evaluation().windowProperty().set(16);
            main.evaluation().strideProperty().set(16);
            main.evaluationCommands().run();
        });

        waitUntil(() -> robot.lookup("#errorDialog").tryQuery().isPresent());
        WaitForAsyncUtils.waitForFxEvents();
        DialogPane dialog = robot.lookup("#errorDialog").queryAs(DialogPane.class);
        assertTrue(dialog.getHeaderText().contains("stride (16) must be smaller than the window (16)"),
                dialog.getHeaderText());
        robot.clickOn(dialog.lookupButton(ButtonType.OK));
        assertFalse(main.busyProperty().get(), "no job was started");
    }

    private static String cell(TableView<EvaluationRow> table, String columnId, int row) {
        TableColumn<EvaluationRow, ?> column = table.getColumns().stream()
                .filter(candidate -> columnId.equals(candidate.getId())).findFirst()
                .orElseThrow(() -> new AssertionError("no column " + columnId + " in " + table.getColumns().stream()
                        .map(TableColumn::getId).toList()));
        return String.valueOf(column.getCellData(row));
    }

    private static void waitUntil(Callable<Boolean> condition) throws TimeoutException {
        WaitForAsyncUtils.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS, condition);
    }
}
