package dev.topiary.ui;

import dev.topiary.activations.PromptSetException;
import dev.topiary.engine.ComputeDtype;
import dev.topiary.engine.TensorEngine;
import dev.topiary.model.LanguageModel;
import dev.topiary.model.ModelFormatException;
import dev.topiary.training.RunResult;
import dev.topiary.training.RunState;
import dev.topiary.training.TrainingData;
import dev.topiary.training.TrainingRun;
import dev.topiary.ui.training.ChartedRun;
import dev.topiary.ui.training.CurvesCsv;
import dev.topiary.ui.training.LiveRun;
import dev.topiary.ui.training.ModelChecks;
import dev.topiary.ui.training.StoredRunCurves;
import dev.topiary.ui.training.TrainingCommands;
import dev.topiary.ui.training.TrainingKind;
import dev.topiary.ui.training.TrainingSetup;
import dev.topiary.ui.training.TrainingViewModel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.concurrent.Task;
import javafx.concurrent.WorkerStateEvent;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The window's side of the Train tab. It starts a run as the window's current job, so the status bar shows its
 * progress and Cancel, and steers it. It also reads finished runs and writes chart images and data. Use it on the
 * FX thread only.
 *
 * <p>A run is one job on the {@link JobRunner} thread, which calls {@link TrainingRun#run}; its steps go to the
 * engine thread one at a time. File work (loading a run, writing CSV or PNG) runs on a thread of its own, so it
 * does not wait for a run that may take hours.
 */
final class TrainingJobs extends StageJobs implements TrainingCommands, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TrainingJobs.class);
    /** Asked before Esc cancels a run, which may have run for hours; the Cancel buttons stop it without asking. */
    static final String CANCEL_QUESTION = "Cancel the training run? It writes a checkpoint of the last step.";

    private final InferenceService inference;
    private final TrainingViewModel view;
    private final ExecutorService files = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "topiary-training-files");
        thread.setDaemon(true);
        return thread;
    });

    TrainingJobs(MainViewModel main, InferenceService inference, UiSettings settings, TrainingViewModel view) {
        super(main, settings);
        this.inference = inference;
        this.view = view;
        // Relative to the working directory, which is the checkout under mvn javafx:run.
        Path samples = Path.of("sample-prompts", "train-stories.txt");
        if (Files.isRegularFile(samples)) {
            view.dataFileProperty().set(samples.toAbsolutePath().toString());
        }
    }

    @Override
    public void start() {
        if (main.busyProperty().get() || view.runActiveBinding().get()) {
            return;
        }
        LoadedModel open = main.loadedModel();
        TrainingSetup setup;
        try {
            ModelChecks.OpenModel openModel = open == null ? null : new ModelChecks.OpenModel(open.summary().name(),
                    open.model().config(), open.summary().dtype());
            setup = view.form().toSetup(openModel, model -> LibraryJobs.readConfig(model, null));
        } catch (IllegalArgumentException e) {
            main.reportError("Train: invalid settings", e);
            return;
        }
        LiveRun live = view.startRun(setup.output());
        RunTask task = new RunTask(inference, setup, setup.usesOpenModel() ? open : null, live,
                result -> view.runEnded(live, result));
        task.addEventHandler(WorkerStateEvent.WORKER_STATE_FAILED, event -> view.runFailed(live,
                UserError.from("Train failed", task.getException()).cause()));
        String title = setup.kind() == TrainingKind.LORA ? "LoRA training" : "Distillation";
        main.startJob(task, title, CANCEL_QUESTION, result -> {
            view.runEnded(live, result);
            return String.format(Locale.ROOT, "%s %s after %s; metrics in %s", title,
                    result.state() == RunState.COMPLETED ? "completed" : "cancelled",
                    Counts.of(result.stepsDone(), "step"),
                    result.metricsFile());
        });
    }

    @Override
    public void pause() {
        activeRun().ifPresent(LiveRun::pause);
    }

    @Override
    public void resume() {
        activeRun().ifPresent(LiveRun::resume);
    }

    @Override
    public void cancel() {
        activeRun().ifPresent(LiveRun::cancel);
    }

    private Optional<LiveRun> activeRun() {
        return Optional.ofNullable(view.activeRunProperty().get());
    }

    @Override
    public void loadRun(Path folder) {
        files.execute(() -> {
            try {
                StoredRunCurves.Loaded loaded = StoredRunCurves.read(folder);
                RunState state = Files.isDirectory(folder.resolve("model")) || Files.isDirectory(folder.resolve(
                        "adapter")) ? RunState.COMPLETED : null;
                Platform.runLater(() -> {
                    ChartedRun charted = view.addStoredRun(folder, loaded.curves(), state);
                    main.showStatus("Loaded " + loaded.rows() + " metric rows of " + charted.label());
                });
            } catch (IOException | RuntimeException e) {
                log.warn("Loading the run in {} failed: {}", folder, e.getMessage());
                Platform.runLater(() -> main.reportError("Load run failed", e));
            }
        });
    }

    @Override
    public void exportCsv(Path file) {
        List<CurvesCsv.Run> runs = new ArrayList<>();
        for (ChartedRun run : view.runs()) {
            runs.add(new CurvesCsv.Run(run.label(), run.curves()));
        }
        // Formatted here, because the curves of a live run grow on the FX thread.
        String csv = CurvesCsv.format(runs, view.smoothingProperty().get());
        writeInBackground("Save CSV", file, () -> Files.writeString(file, csv, StandardCharsets.UTF_8));
    }

    @Override
    public void exportPng(BufferedImage image, Path file) {
        writeInBackground("Save PNG", file, () -> {
            if (!ImageIO.write(image, "png", file.toFile())) {
                throw new IOException("No PNG writer is available to write " + file + ".");
            }
        });
    }

    /** A write that may fail with an I/O error. */
    @FunctionalInterface
    private interface FileWrite {
        void write() throws IOException;
    }

    private void writeInBackground(String title, Path file, FileWrite write) {
        files.execute(() -> {
            try {
                write.write();
                Platform.runLater(() -> main.showStatus("Wrote " + file));
            } catch (IOException | UncheckedIOException e) {
                log.warn("{} to {} failed: {}", title, file, e.getMessage());
                Platform.runLater(() -> main.reportError(title + " failed", e));
            }
        });
    }

    /** Asks an active run to stop after its step, which writes a checkpoint, and stops taking file work. */
    @Override
    public void close() {
        cancel();
        files.shutdown();
    }

    /**
     * Loads the models a run needs, reads its data, and runs it on the job thread. Cancelling the task, as the
     * status bar's Cancel does, cancels the run between steps. The task then counts as cancelled at once, so its
     * value never reaches the succeeded handler. The run's result goes to {@code cancelledResult} instead, on the
     * FX thread, once the run has written its last checkpoint.
     */
    private static final class RunTask extends Task<RunResult> {

        private final InferenceService inference;
        private final TrainingSetup setup;
        private final LoadedModel open;
        private final LiveRun live;
        private final Consumer<RunResult> cancelledResult;

        RunTask(InferenceService inference, TrainingSetup setup, LoadedModel open, LiveRun live,
                Consumer<RunResult> cancelledResult) {
            this.inference = inference;
            this.setup = setup;
            this.open = open;
            this.live = live;
            this.cancelledResult = cancelledResult;
            updateTitle(setup.kind().label() + " training");
            updateMessage("Preparing the run");
            updateProgress(-1, 1);
        }

        @Override
        protected RunResult call() throws Exception {
            List<LoadedModel> loadedHere = new ArrayList<>();
            try {
                TrainingRun run = prepare(loadedHere);
                live.attach(run, (message, done, total) -> {
                    updateMessage(message);
                    updateProgress(done, total);
                });
                if (isCancelled()) {
                    run.cancel();
                }
                RunResult result = run.run();
                if (isCancelled()) {
                    Platform.runLater(() -> cancelledResult.accept(result));
                }
                return result;
            } finally {
                for (LoadedModel model : loadedHere) {
                    inference.close(model);
                }
            }
        }

        private TrainingRun prepare(List<LoadedModel> loadedHere) throws ModelFormatException, PromptSetException {
            TensorEngine engine = TensorEngine.get();
            if (setup.kind() == TrainingKind.LORA && open != null) {
                LanguageModel base = open.model();
                TrainingData data = read(base);
                return TrainingRun.lora(engine, base, data, setup.config(), setup.lora(), setup.merge(),
                        setup.output(), false);
            }
            LanguageModel teacher;
            if (setup.teacher() == null) {
                teacher = open.model();
            } else {
                updateMessage("Loading the teacher " + setup.teacher().getFileName());
                LoadedModel loaded = inference.load(setup.teacher());
                loadedHere.add(loaded);
                teacher = loaded.model();
            }
            updateMessage("Loading the student " + setup.student().getFileName());
            LoadedModel student = inference.load(setup.student(), null, ComputeDtype.FLOAT32);
            loadedHere.add(student);
            TrainingData data = read(student.model());
            return TrainingRun.distillation(engine, teacher, student.model(), data, setup.config(),
                    setup.distillation(), setup.output(), false);
        }

        private TrainingData read(LanguageModel model) throws PromptSetException {
            updateMessage("Reading " + setup.data().getFileName());
            return TrainingData.read(setup.data(), model.tokenizer(), model.config(),
                    setup.config().sequenceLength(), setup.config().heldOutFraction());
        }

        @Override
        protected void cancelled() {
            live.cancel();
        }
    }
}
