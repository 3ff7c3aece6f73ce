package dev.topiary.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.topiary.ui.WindowDriver.openStories260K;
import static dev.topiary.ui.WindowDriver.showTab;
import static dev.topiary.ui.WindowDriver.text;
import static dev.topiary.ui.WindowDriver.waitUntil;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topiary.SharedModels;
import dev.topiary.training.RunState;
import dev.topiary.ui.library.DtypeChoice;
import dev.topiary.ui.training.ChartPane;
import dev.topiary.ui.training.ChartedRun;
import dev.topiary.ui.training.Metric;
import dev.topiary.ui.training.TrainingKind;
import dev.topiary.ui.training.TrainingViewModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javafx.scene.control.ButtonType;
import javafx.scene.control.DialogPane;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
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
 * Drives the Train tab headless with a LoRA run on the real stories260K model. The run is started, paused,
 * resumed, watched on the charts and while another tab is shown, and cancelled. Then its folder is read back onto
 * the charts.
 */
@ExtendWith(ApplicationExtension.class)
class TrainingWindowTest {

    @TempDir
    Path temp;
    private MainWindow window;

    @Start
    void start(Stage stage) {
        window = WindowDriver.showWithEmptyLibrary(stage, temp);
    }

    @Stop
    void stop() {
        window.close();
    }

    @Test
    void loraRunChartsPausesAndCancels(FxRobot robot) throws Exception {
        MainViewModel main = window.viewModel();
        TrainingViewModel training = main.training();
        openStories260K(robot, window);
        Path output = temp.resolve("lora-run");
        showTab(robot, "Train");
        robot.interact(() -> {
            training.kindProperty().set(TrainingKind.LORA);
            // Far more steps than the test waits for, so the run is still going when it is cancelled.
            training.stepsProperty().set("100000");
            training.batchSizeProperty().set("2");
            training.sequenceLengthProperty().set("32");
            training.checkpointEveryProperty().set("5");
            training.evalEveryProperty().set("0");
            training.outputProperty().set(output.toString());
        });
        assertEquals("train-stories.txt", Path.of(training.dataFileProperty().get()).getFileName().toString());

        robot.clickOn("#trainStartButton");
        waitUntil(() -> lossPoints(robot) >= 5);
        assertEquals(RunState.RUNNING, training.activeStateProperty().get());
        assertTrue(main.busyProperty().get(), "the run is the window's current job");

        robot.clickOn("#trainPauseButton");
        waitUntil(() -> training.activeStateProperty().get() == RunState.PAUSED);
        robot.clickOn("#trainResumeButton");
        waitUntil(() -> training.activeStateProperty().get() == RunState.RUNNING);

        // The run goes on while another tab is shown: its curves keep growing in the view model.
        showTab(robot, "Evaluate");
        ChartedRun live = training.runs().get(0);
        int before = live.curves().size(Metric.TRAIN_LOSS);
        waitUntil(() -> live.curves().size(Metric.TRAIN_LOSS) >= before + 5);
        showTab(robot, "Train");
        waitUntil(() -> lossPoints(robot) >= before + 5);

        robot.clickOn("#trainCancelButton");
        waitUntil(() -> training.activeStateProperty().get() == RunState.CANCELLED && !main.busyProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        String summary = training.summaryProperty().get();
        assertTrue(summary.startsWith("Cancelled after "), summary);
        assertEquals("", text(robot, "#trainProgressLabel"), "the summary replaces the step line");
        assertTrue(summary.contains(output.resolve("metrics.jsonl").toString()), summary);

        int steps = lastMetricsStep(output);
        assertTrue(steps >= before + 5, steps + " steps");
        assertCheckpointsComplete(output.resolve("checkpoints"), steps);

        // The stopped run read back from its folder: every logged step is on the charts again.
        robot.interact(() -> main.trainingCommands().loadRun(output));
        waitUntil(() -> training.runs().size() == 2);
        ChartedRun loaded = training.runs().get(1);
        assertEquals("lora-run (2)", loaded.label());
        assertEquals(steps, loaded.curves().size(Metric.TRAIN_LOSS));
        assertEquals(live.curves().size(Metric.TRAIN_LOSS), loaded.curves().size(Metric.TRAIN_LOSS));
    }

    @Test
    void statusBarCancelStopsRun(FxRobot robot) throws Exception {
        MainViewModel main = window.viewModel();
        TrainingViewModel training = main.training();
        Path output = temp.resolve("cancelled-from-status-bar");
        startLongRun(robot, output);

        robot.clickOn("#statusCancelButton");
        waitUntil(() -> training.activeStateProperty().get() == RunState.CANCELLED
                && training.summaryProperty().get().startsWith("Cancelled after "));
        waitUntil(() -> !main.busyProperty().get());
        assertCheckpointsComplete(output.resolve("checkpoints"), lastMetricsStep(output));
    }

    @Test
    void invalidSettingsShowAllProblems(FxRobot robot) throws Exception {
        MainViewModel main = window.viewModel();
        showTab(robot, "Train");
        robot.interact(() -> {
            main.training().stepsProperty().set("many");
            main.training().outputProperty().set("");
        });
        robot.clickOn("#trainStartButton");
        waitUntil(() -> robot.lookup("#errorDialog").tryQuery().isPresent());
        WaitForAsyncUtils.waitForFxEvents();
        DialogPane dialog = robot.lookup("#errorDialog").queryAs(DialogPane.class);
        String text = dialog.getHeaderText();
        assertTrue(text.contains("Open a model first"), text);
        assertTrue(text.contains("Steps must be a whole number of 1 or more; got 'many'"), text);
        assertTrue(text.contains("The output folder is empty"), text);
        robot.clickOn(dialog.lookupButton(ButtonType.OK));
        assertFalse(main.busyProperty().get(), "no job was started");
        assertTrue(main.training().runs().isEmpty());
    }

    @Test
    void escAsksBeforeCancellingRun(FxRobot robot) throws Exception {
        MainViewModel main = window.viewModel();
        TrainingViewModel training = main.training();
        startLongRun(robot, temp.resolve("esc-run"));
        assertTrue(robot.lookup("#cancelButton").queryButton().isDisabled(),
                "the prompt panel's Cancel (Esc) leaves a training run alone");

        // As the tester did: click the smoothing slider, then press Esc.
        robot.clickOn("#smoothingSlider");
        robot.press(KeyCode.ESCAPE).release(KeyCode.ESCAPE);
        waitUntil(() -> robot.lookup("#cancelJobDialog").tryQuery().isPresent());
        DialogPane dialog = robot.lookup("#cancelJobDialog").queryAs(DialogPane.class);
        assertEquals("Cancel the training run? It writes a checkpoint of the last step.", dialog.getHeaderText());
        robot.clickOn("Keep training");
        int before = training.runs().get(0).curves().size(Metric.TRAIN_LOSS);
        waitUntil(() -> training.runs().get(0).curves().size(Metric.TRAIN_LOSS) >= before + 3);
        assertEquals(RunState.RUNNING, training.activeStateProperty().get());

        robot.press(KeyCode.ESCAPE).release(KeyCode.ESCAPE);
        waitUntil(() -> robot.lookup("#cancelJobDialog").tryQuery().isPresent());
        robot.clickOn("Cancel the run");
        waitUntil(() -> training.activeStateProperty().get() == RunState.CANCELLED && !main.busyProperty().get());
    }

    @Test
    void escCancelsPromptRunAtOnce(FxRobot robot) throws Exception {
        MainViewModel main = window.viewModel();
        openStories260K(robot, window);
        robot.interact(() -> {
            main.promptProperty().set("Once upon a time");
            main.maxNewTokensProperty().set(4096);
            main.runPrompt();
        });
        assertTrue(main.busyProperty().get());
        robot.press(KeyCode.ESCAPE).release(KeyCode.ESCAPE);
        waitUntil(() -> !main.busyProperty().get());
        assertTrue(robot.lookup("#cancelJobDialog").tryQuery().isEmpty(), "a short job is cancelled without asking");
    }

    @Test
    void startListsAllProblemsTogether(FxRobot robot) throws Exception {
        MainViewModel main = window.viewModel();
        TrainingViewModel training = main.training();
        openStories260K(robot, window);
        showTab(robot, "Train");
        robot.interact(() -> {
            training.loraRankProperty().set("abc");
            training.learningRateProperty().set("x");
            training.stepsProperty().set("0");
            training.sequenceLengthProperty().set("100000");
        });
        robot.clickOn("#trainStartButton");
        waitUntil(() -> robot.lookup("#errorDialog").tryQuery().isPresent());
        DialogPane dialog = robot.lookup("#errorDialog").queryAs(DialogPane.class);
        String text = dialog.getHeaderText();
        assertTrue(text.contains("LoRA rank must be a whole number of 1 or more; got 'abc'"), text);
        assertTrue(text.contains("Learning rate must be a number, such as 0.5 or 1e-4; got 'x'"), text);
        assertTrue(text.contains("Steps must be a whole number of 1 or more; got '0'"), text);
        assertTrue(text.contains("Sequence length must be between 2 and the context of 512 tokens"), text);
        robot.clickOn(dialog.lookupButton(ButtonType.OK));
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(main.busyProperty().get(), "no job was started");
        assertTrue(training.runs().isEmpty(), "a rejected start leaves no run on the charts");
        assertTrue(robot.lookup("#errorDialog").tryQuery().isEmpty(), "one dialog lists every problem");
    }

    @Test
    void failedStartLeavesNoEmptyRun(FxRobot robot) throws Exception {
        MainViewModel main = window.viewModel();
        TrainingViewModel training = main.training();
        openStories260K(robot, window);
        // Valid in the form, but too short for two sequences of 64 tokens: the run rejects it while it prepares.
        Path shortText = Files.writeString(temp.resolve("short.txt"), "Once upon a time.\n", StandardCharsets.UTF_8);
        showTab(robot, "Train");
        robot.interact(() -> {
            training.dataFileProperty().set(shortText.toString());
            training.outputProperty().set(temp.resolve("short-run").toString());
        });
        robot.clickOn("#trainStartButton");
        waitUntil(() -> robot.lookup("#errorDialog").tryQuery().isPresent() && !main.busyProperty().get());
        DialogPane dialog = robot.lookup("#errorDialog").queryAs(DialogPane.class);
        assertTrue(dialog.getHeaderText().contains(shortText.toString()), dialog.getHeaderText());
        robot.clickOn(dialog.lookupButton(ButtonType.OK));
        assertTrue(training.runs().isEmpty(), "the failed run is not on the charts");
        assertEquals(RunState.FAILED, training.activeStateProperty().get());
        assertFalse(robot.lookup("#trainStartButton").queryButton().isDisabled());
        assertEquals("", text(robot, "#trainProgressLabel"));
    }

    @Test
    void typedPathsAreChecked(FxRobot robot) throws Exception {
        MainViewModel main = window.viewModel();
        TrainingViewModel training = main.training();
        showTab(robot, "Train");
        robot.interact(() -> {
            training.kindProperty().set(TrainingKind.DISTILLATION);
            training.dataFileProperty().set("");
        });
        for (String field : List.of("#teacherField", "#studentField", "#dataField", "#outputField")) {
            assertTrue(robot.lookup(field).queryAs(TextField.class).isEditable(), field + " is editable");
        }
        Path missingTeacher = temp.resolve("no-teacher");
        Path missingData = temp.resolve("no-data.txt");
        robot.clickOn("#teacherField").write(missingTeacher.toString());
        robot.clickOn("#studentField").write(SharedModels.stories260K().toString());
        robot.clickOn("#dataField").write(missingData.toString());
        assertEquals(missingTeacher.toString(), training.teacherProperty().get());
        assertEquals(missingData.toString(), training.dataFileProperty().get());

        robot.clickOn("#trainStartButton");
        waitUntil(() -> robot.lookup("#errorDialog").tryQuery().isPresent());
        String text = robot.lookup("#errorDialog").queryAs(DialogPane.class).getHeaderText();
        assertTrue(text.contains("The teacher " + missingTeacher + " was not found"), text);
        assertTrue(text.contains("The training data file " + missingData + " was not found"), text);
        assertFalse(text.contains("student"), text);
        robot.clickOn(robot.lookup("#errorDialog").queryAs(DialogPane.class).lookupButton(ButtonType.OK));
        assertTrue(training.runs().isEmpty());
    }

    @Test
    void float16LoraBaseNamesModelPickerFix(FxRobot robot) throws Exception {
        MainViewModel main = window.viewModel();
        robot.interact(() -> main.modelPicker().dtypeChoiceProperty().set(DtypeChoice.FLOAT16));
        openStories260K(robot, window);
        assertEquals("float16", main.modelProperty().get().dtype());
        Path output = temp.resolve("float16-lora");
        showTab(robot, "Train");
        robot.interact(() -> {
            main.training().kindProperty().set(TrainingKind.LORA);
            main.training().outputProperty().set(output.toString());
        });

        robot.clickOn("#trainStartButton");
        waitUntil(() -> robot.lookup("#errorDialog").tryQuery().isPresent());
        WaitForAsyncUtils.waitForFxEvents();

        DialogPane dialog = robot.lookup("#errorDialog").queryAs(DialogPane.class);
        assertTrue(dialog.getHeaderText().contains("is loaded in float16, but LoRA training runs in float32 only. "
                + "Reopen the model with Dtype float32 in the model picker."), dialog.getHeaderText());
        robot.clickOn(dialog.lookupButton(ButtonType.OK));
        assertFalse(main.busyProperty().get(), "no job was started");
        assertFalse(Files.exists(output), "no run folder was created");
    }

    /** Returns the points of the first run's training-loss curve in the image the chart shows. */
    private static int lossPoints(FxRobot robot) {
        return robot.lookup("#trainLossChart").queryAs(ChartPane.class).pointsDrawnProperty().get();
    }

    /**
     * Opens stories260K, starts a LoRA run of 100,000 small steps (batch 2 x 16 tokens, no evaluations) into
     * {@code output}, and waits until its loss chart shows three points.
     */
    private void startLongRun(FxRobot robot, Path output) throws Exception {
        openStories260K(robot, window);
        showTab(robot, "Train");
        TrainingViewModel training = window.viewModel().training();
        robot.interact(() -> {
            training.stepsProperty().set("100000");
            training.batchSizeProperty().set("2");
            training.sequenceLengthProperty().set("16");
            training.evalEveryProperty().set("0");
            training.outputProperty().set(output.toString());
        });
        robot.clickOn("#trainStartButton");
        waitUntil(() -> lossPoints(robot) >= 3);
    }

    private static int lastMetricsStep(Path output) throws Exception {
        List<String> rows = Files.readAllLines(output.resolve("metrics.jsonl"), StandardCharsets.UTF_8);
        return new ObjectMapper().readTree(rows.get(rows.size() - 1)).get("step").asInt();
    }

    /**
     * Checks that the checkpoints folder contains only complete checkpoints under their final names, no staging
     * folder, and that the newest is of the last step.
     */
    private static void assertCheckpointsComplete(Path checkpoints, int lastStep) throws Exception {
        List<Path> entries;
        try (Stream<Path> listing = Files.list(checkpoints)) {
            entries = listing.sorted().toList();
        }
        assertFalse(entries.isEmpty());
        for (Path entry : entries) {
            String name = entry.getFileName().toString();
            assertTrue(name.matches("step-\\d{6}"), "unexpected entry " + name + " in " + checkpoints);
            for (String file : List.of("weights.safetensors", "optimizer.safetensors", "state.json")) {
                assertTrue(Files.size(entry.resolve(file)) > 0, entry.resolve(file) + " is empty or missing");
            }
            JsonNode state = new ObjectMapper().readTree(entry.resolve("state.json").toFile());
            assertEquals(Integer.parseInt(name.substring("step-".length())), state.get("step").asInt(), name);
        }
        assertEquals(String.format("step-%06d", lastStep), entries.get(entries.size() - 1).getFileName().toString());
    }
}
