package dev.topiary.cli;

import dev.topiary.engine.TensorEngine;
import dev.topiary.model.LanguageModel;
import dev.topiary.training.LoraConfig;
import dev.topiary.training.RunResult;
import dev.topiary.training.TrainingConfig;
import dev.topiary.training.TrainingData;
import dev.topiary.training.TrainingRun;
import dev.topiary.ui.PulseMonitor;
import dev.topiary.ui.training.LiveRun;
import dev.topiary.ui.training.TrainingCommands;
import dev.topiary.ui.training.TrainingView;
import dev.topiary.ui.training.TrainingViewModel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.concurrent.Task;
import javafx.fxml.FXMLLoader;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.stage.Stage;

/**
 * Measures the longest JavaFX pulse gap during a short LoRA run driven as the window drives one: the Train tab
 * on screen with its four charts redrawn after each batch of points, a status line and progress bar fed by a
 * {@link Task}, {@link TrainingRun#run} on a worker thread and each step on the engine thread.
 */
final class TrainingPulse {

    private TrainingPulse() {}

    /**
     * Runs the measurement.
     *
     * @param dataFile the training text; ignored for a model without a tokenizer, which trains on random tokens
     */
    static Map<String, Object> run(TensorEngine engine, LanguageModel model, Path dataFile, int steps, int batchSize,
            int sequenceLength) throws Exception {
        TrainingConfig config = TrainingConfig.builder().steps(steps).batchSize(batchSize)
                .sequenceLength(sequenceLength).learningRate(2e-4).weightDecay(0).evalEvery(Math.max(1, steps / 5))
                .evalBatches(4).checkpointEvery(Math.max(1, steps / 2)).build();
        TrainingData data = model.tokenizer() == null ? randomData(model, config)
                : TrainingData.read(dataFile, model.tokenizer(), model.config(), sequenceLength,
                        config.heldOutFraction());
        Path folder = Files.createTempDirectory("topiary-pulse-train");
        try {
            TrainingRun run = TrainingRun.lora(engine, model, data, config, LoraConfig.defaults(), false,
                    folder.resolve("run"), false);
            return measure(run, folder.resolve("run"), steps);
        } finally {
            deleteTree(folder);
        }
    }

    private static Map<String, Object> measure(TrainingRun run, Path runFolder, int steps) throws Exception {
        TrainingViewModel view = new TrainingViewModel();
        Stage[] stage = new Stage[1];
        LiveRun[] live = new LiveRun[1];
        Task<RunResult> task = new Task<>() {
            @Override
            protected RunResult call() throws Exception {
                live[0].attach(run, (message, done, total) -> {
                    updateMessage(message);
                    updateProgress(done, total);
                });
                return run.run();
            }
        };
        PulseBenchmark.onFxThread(() -> {
            stage[0] = showTab(view, task);
            live[0] = view.startRun(runFolder);
        });

        long started = System.nanoTime();
        PulseMonitor monitor = PulseBenchmark.measure(() -> {
            Thread worker = new Thread(task, "topiary-pulse-training");
            worker.setDaemon(true);
            worker.start();
            return task.get();
        });
        double seconds = (System.nanoTime() - started) / 1e9;
        int[] redraws = new int[1];
        PulseBenchmark.onFxThread(() -> {
            live[0].finish();
            redraws[0] = view.chartRevisionProperty().get();
            stage[0].close();
        });

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("pulse_train_steps", steps);
        result.put("pulse_train_seconds", seconds);
        result.put("pulse_train_chart_redraws", redraws[0]);
        result.put("pulse_train_count", monitor.pulses());
        result.put("pulse_train_longest_gap_ms", monitor.longestGapMillis());
        result.put("pulse_train_gap_p99_ms", monitor.gapPercentileMillis(99));
        result.put("pulse_train_longest_gap_at_s", monitor.longestGapStartSeconds());
        return result;
    }

    /** Shows the Train tab with a status line under it, as in the main window. */
    private static Stage showTab(TrainingViewModel view, Task<RunResult> task) {
        FXMLLoader loader = new FXMLLoader(TrainingPulse.class.getResource("/fxml/TrainingView.fxml"));
        loader.setControllerFactory(type -> new TrainingView(view, new IdleCommands()));
        Parent tab;
        try {
            tab = loader.load();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot load fxml/TrainingView.fxml from the classpath", e);
        }
        Label message = new Label();
        message.textProperty().bind(task.messageProperty());
        ProgressBar progress = new ProgressBar();
        progress.progressProperty().bind(task.progressProperty());
        BorderPane root = new BorderPane(tab, null, null, new HBox(10, message, progress), null);
        Scene scene = new Scene(root, 1400, 900);
        scene.getStylesheets().add(TrainingPulse.class.getResource("/css/topiary.css").toExternalForm());
        Stage stage = new Stage();
        stage.setTitle("Topiary pulse benchmark: training");
        stage.setScene(scene);
        stage.show();
        return stage;
    }

    private static TrainingData randomData(LanguageModel model, TrainingConfig config) {
        Random random = new Random(config.seed());
        int[] stream = new int[(config.sequenceLength() + 1) * config.batchSize() * 20];
        for (int i = 0; i < stream.length; i++) {
            stream[i] = random.nextInt(model.config().vocabSize());
        }
        return TrainingData.ofTokens("random", stream, config.sequenceLength(), 0.1);
    }

    private static void deleteTree(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** The tab's commands, unused here: the benchmark starts the run itself and nothing else. */
    private static final class IdleCommands implements TrainingCommands {
        private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(true);

        @Override
        public void start() {}

        @Override
        public void pause() {}

        @Override
        public void resume() {}

        @Override
        public void cancel() {}

        @Override
        public void loadRun(Path folder) {}

        @Override
        public void exportCsv(Path file) {}

        @Override
        public void exportPng(BufferedImage image, Path file) {}

        @Override
        public ReadOnlyBooleanProperty busyProperty() {
            return busy.getReadOnlyProperty();
        }

        @Override
        public Optional<Path> lastFolder() {
            return Optional.empty();
        }

        @Override
        public void rememberFolder(Path folder) {}
    }
}
