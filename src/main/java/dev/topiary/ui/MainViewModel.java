package dev.topiary.ui;

import dev.topiary.engine.ComputeDtype;
import dev.topiary.library.HubDownloader;
import dev.topiary.library.ModelLibrary;
import dev.topiary.model.GenerationOptions;
import dev.topiary.ui.activations.ActivationsViewModel;
import dev.topiary.ui.analysis.AnalysisCommands;
import dev.topiary.ui.analysis.AnalysisViewModel;
import dev.topiary.ui.analysis.CaptureSettings;
import dev.topiary.ui.pruning.FairnessViewModel;
import dev.topiary.ui.pruning.PruneCommands;
import dev.topiary.ui.pruning.PruneViewModel;
import dev.topiary.ui.evaluation.EvaluationCommands;
import dev.topiary.ui.evaluation.EvaluationViewModel;
import dev.topiary.ui.library.ModelLibraryCommands;
import dev.topiary.ui.library.ModelPickerViewModel;
import dev.topiary.ui.selection.NeuronSelection;
import dev.topiary.ui.training.TrainingCommands;
import dev.topiary.ui.training.TrainingViewModel;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.concurrent.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * State and commands of the main window: the open model, the model library, the prompt and its generation
 * settings, the neuron selection, the prompt-set analysis, the evaluation, and the one background job at a time.
 * Use it on the FX thread only. Engine work runs through {@link JobRunner}.
 */
public final class MainViewModel implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MainViewModel.class);

    private final InferenceService inference;
    private final JobRunner jobs;
    private final UiSettings settings;
    private final ActivationsViewModel activations = new ActivationsViewModel();
    private final NeuronSelection selection = new NeuronSelection();
    private final AnalysisViewModel analysis = new AnalysisViewModel();
    private final CaptureSettings captureSettings = new CaptureSettings();
    private final AnalysisJobs analysisJobs;
    private final PruneViewModel pruning = new PruneViewModel();
    private final FairnessViewModel fairness = new FairnessViewModel();
    private final PruneJobs pruneJobs;
    private final ModelPickerViewModel modelPicker = new ModelPickerViewModel();
    private final LibraryJobs libraryJobs;
    private final EvaluationViewModel evaluation = new EvaluationViewModel();
    private final EvaluationJobs evaluationJobs;
    private final TrainingViewModel training = new TrainingViewModel();
    private final TrainingJobs trainingJobs;
    private Consumer<UserError> errorListener = error -> {};
    private LoadedModel loaded;

    private final StringProperty modelPath = new SimpleStringProperty(this, "modelPath", "");
    private final ReadOnlyObjectWrapper<ModelSummary> model = new ReadOnlyObjectWrapper<>(this, "model");
    private final StringProperty prompt = new SimpleStringProperty(this, "prompt", "");
    private final ObjectProperty<Integer> maxNewTokens = new SimpleObjectProperty<>(this, "maxNewTokens", 64);
    private final ObjectProperty<Double> temperature = new SimpleObjectProperty<>(this, "temperature", 0.0);
    private final ObjectProperty<Double> topP = new SimpleObjectProperty<>(this, "topP", 1.0);
    private final ObjectProperty<Long> seed = new SimpleObjectProperty<>(this, "seed", 42L);
    private final ReadOnlyStringWrapper device = new ReadOnlyStringWrapper(this, "device", "Device: starting");
    private final ReadOnlyObjectWrapper<Task<?>> currentJob = new ReadOnlyObjectWrapper<>(this, "currentJob");
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
    /** The confirmation Esc shows before it cancels the current job, or null when Esc cancels it at once. */
    private final ReadOnlyStringWrapper cancelQuestion = new ReadOnlyStringWrapper(this, "cancelQuestion");
    private final BooleanBinding shortJobRunning = busy.and(cancelQuestion.isNull());
    private final ReadOnlyStringWrapper jobMessage = new ReadOnlyStringWrapper(this, "jobMessage", "Ready");
    private final ReadOnlyDoubleWrapper jobProgress = new ReadOnlyDoubleWrapper(this, "jobProgress", 0);
    private final BooleanBinding canRun = model.isNotNull().and(busy.not());

    /** Creates the view model with the user's model library and Hub settings, read from the environment. */
    public MainViewModel(InferenceService inference, JobRunner jobs, UiSettings settings) {
        this(inference, jobs, settings, ModelLibrary.fromEnvironment(System.getenv()),
                HubDownloader.fromEnvironment(System.getenv()));
    }

    /**
     * Creates the view model with a given model library and Hub downloader, so that tests use temporary folders
     * and a local server instead of the user's.
     */
    public MainViewModel(InferenceService inference, JobRunner jobs, UiSettings settings, ModelLibrary library,
            HubDownloader downloader) {
        this.inference = inference;
        this.jobs = jobs;
        this.settings = settings;
        busy.bind(currentJob.isNotNull());
        settings.lastModelPath().ifPresent(modelPath::set);
        analysisJobs = new AnalysisJobs(this, inference, jobs, settings, analysis, selection, captureSettings);
        pruneJobs = new PruneJobs(this, inference, settings, selection, analysis, captureSettings, pruning, fairness);
        // Relative to the working directory, which is the checkout under mvn javafx:run.
        captureSettings.listFolder(Path.of("sample-prompts"));
        libraryJobs = new LibraryJobs(this, inference, library, downloader, modelPicker);
        evaluationJobs = new EvaluationJobs(this, inference, settings, evaluation, modelPicker);
        evaluation.listSampleFolder(Path.of("sample-prompts"));
        trainingJobs = new TrainingJobs(this, inference, settings, training);
        // A pruned model just exported is the usual student of a distillation run.
        pruning.lastExportProperty().addListener((property, before, export) -> {
            if (export != null) {
                training.offerStudent(export.folder());
            }
        });
        libraryJobs.refresh();
    }

    /** Sets the listener that shows failures to the user. The window passes its error dialog. */
    public void setErrorListener(Consumer<UserError> listener) {
        this.errorListener = listener;
    }

    /** Starts the tensor engine in the background, so that the first model opens without that delay. */
    public void startEngine() {
        jobs.submit("Start the tensor engine", () -> {
            try {
                String name = inference.startEngine();
                Platform.runLater(() -> device.set("Device: " + name));
            } catch (RuntimeException e) {
                Platform.runLater(() -> device.set("Device: engine failed to start, see the log"));
                throw e;
            }
        });
    }

    /** Opens the model at {@link #modelPathProperty()}. Does nothing while a job runs or the path is blank. */
    public void openModel() {
        openTyped(null, modelPicker.dtypeFor(null));
    }

    /**
     * Sets the model path and opens it with a llama2.c tokenizer file, as the model picker does for a models.cfg
     * entry that names one.
     */
    public void openModel(Path path, Path tokenizer) {
        openModel(path, tokenizer, modelPicker.dtypeFor(null));
    }

    /** Sets the model path and opens it with a llama2.c tokenizer file (or null) in the given dtype. */
    public void openModel(Path path, Path tokenizer, ComputeDtype dtype) {
        modelPath.set(path.toString());
        openTyped(tokenizer, dtype);
    }

    private void openTyped(Path tokenizer, ComputeDtype dtype) {
        String typed = modelPath.get() == null ? "" : modelPath.get().strip();
        if (busy.get() || typed.isEmpty()) {
            return;
        }
        Path path;
        try {
            path = ModelPaths.parse(typed);
        } catch (InvalidPathException e) {
            errorListener.accept(UserError.from("Open model failed", e));
            return;
        }
        LoadModelTask task = new LoadModelTask(inference, jobs, path, tokenizer, dtype);
        long started = System.nanoTime();
        startJob(task, "Open model", opened -> {
            replaceModel(opened);
            settings.saveLastModelPath(path);
            libraryJobs.modelOpened(path);
            return String.format(Locale.ROOT, "Loaded %s in %d ms", opened.summary().name(),
                    (System.nanoTime() - started) / 1_000_000);
        });
    }

    /** Sets the model path and opens it, as the file choosers do. */
    public void openModel(Path path) {
        modelPath.set(path.toString());
        openModel();
    }

    private void replaceModel(LoadedModel opened) {
        LoadedModel previous = loaded;
        loaded = opened;
        model.set(opened.summary());
        device.set("Device: " + opened.summary().device());
        activations.showNoRun();
        analysisJobs.modelChanged(opened);
        if (previous != null) {
            jobs.submit("Close " + previous.summary().name(), () -> inference.close(previous));
        }
    }

    /** Runs the prompt on the open model and shows its activations. Invalid settings are reported as an error. */
    public void runPrompt() {
        if (!canRun.get()) {
            return;
        }
        GenerationOptions options;
        try {
            options = generationOptions();
        } catch (IllegalArgumentException e) {
            errorListener.accept(UserError.from("Run prompt failed", e));
            return;
        }
        String text = prompt.get() == null ? "" : prompt.get();
        RunPromptTask task = new RunPromptTask(inference, loaded, text, options);
        startJob(task, "Run prompt", result -> {
            activations.show(result);
            return "Generated " + Counts.of(result.generatedTokens(), "token") + " from "
                    + Counts.of(result.promptLength(), "prompt token");
        });
    }

    private GenerationOptions generationOptions() {
        if (maxNewTokens.get() == null || temperature.get() == null || topP.get() == null) {
            throw new IllegalArgumentException("Max new tokens, temperature and top-p need a value each.");
        }
        if (seed.get() == null) {
            throw new IllegalArgumentException("The seed is empty: type a whole number, such as 42.");
        }
        return new GenerationOptions(maxNewTokens.get(), temperature.get(), topP.get(), seed.get());
    }

    /** Cancels the current job. Generation stops after the current token; a load finishes and is discarded. */
    public void cancelJob() {
        Task<?> job = currentJob.get();
        if (job != null) {
            job.cancel(false);
        }
    }

    /**
     * Cancels the current job from the keyboard (Esc) or the prompt panel when it is a short job. A job started
     * with a cancel question is left running, so that the caller can confirm with the user first.
     *
     * @return whether the job was cancelled
     */
    public boolean cancelShortJob() {
        if (cancelQuestion.get() != null) {
            return false;
        }
        cancelJob();
        return true;
    }

    /** Result handler that returns the status line to show once the job has succeeded. */
    @FunctionalInterface
    interface Completion<T> {
        String accept(T result);
    }

    /**
     * Makes a task the current job: its message and progress show in the status bar until it ends, and a
     * failure opens the error dialog. The caller checks that no other job runs.
     */
    <T> void startJob(Task<T> task, String title, Completion<T> onSucceeded) {
        startJob(task, title, null, onSucceeded);
    }

    /**
     * Makes a long task, such as a training run, the current job. Esc then shows {@code cancelQuestion} for
     * confirmation before it cancels the job, and the prompt panel's Cancel is disabled. The status bar's Cancel
     * still stops the job at once.
     */
    <T> void startJob(Task<T> task, String title, String cancelQuestion, Completion<T> onSucceeded) {
        currentJob.set(task);
        this.cancelQuestion.set(cancelQuestion);
        jobMessage.bind(task.messageProperty());
        jobProgress.bind(task.progressProperty());
        task.setOnSucceeded(event -> {
            String status = onSucceeded.accept(task.getValue());
            finishJob(task, status);
        });
        task.setOnCancelled(event -> finishJob(task, title + " cancelled"));
        task.setOnFailed(event -> {
            finishJob(task, title + " failed");
            errorListener.accept(UserError.from(title + " failed", task.getException()));
        });
        try {
            jobs.submit(task);
        } catch (RejectedExecutionException e) {
            log.error("{} was rejected because earlier jobs are still queued", title, e);
            finishJob(task, title + " failed");
            errorListener.accept(UserError.from(title + " failed", e));
        }
    }

    private void finishJob(Task<?> task, String status) {
        if (currentJob.get() != task) {
            return;
        }
        jobMessage.unbind();
        jobProgress.unbind();
        jobMessage.set(status);
        jobProgress.set(0);
        cancelQuestion.set(null);
        currentJob.set(null);
    }

    /** Shows a status line unless a job runs, whose own messages then have the status bar. */
    void showStatus(String status) {
        if (currentJob.get() == null) {
            jobMessage.set(status);
        }
    }

    /** Opens the error dialog for a failure. */
    void reportError(String title, Throwable error) {
        errorListener.accept(UserError.from(title, error));
    }

    /** Returns the open model, or null before one has loaded. */
    LoadedModel loadedModel() {
        return loaded;
    }

    /** Cancels the current job and frees the open model in the background. */
    @Override
    public void close() {
        cancelJob();
        if (loaded != null) {
            LoadedModel closing = loaded;
            loaded = null;
            jobs.submit("Close " + closing.summary().name(), () -> inference.close(closing));
        }
        trainingJobs.close();
        jobs.close();
        libraryJobs.close();
    }

    /** Returns whether a job runs that Esc and the prompt panel's Cancel stop without asking. */
    public BooleanBinding shortJobRunningBinding() {
        return shortJobRunning;
    }

    /** Returns the question to ask before Esc cancels the current job, or null when it needs none. */
    public ReadOnlyStringProperty cancelQuestionProperty() {
        return cancelQuestion.getReadOnlyProperty();
    }

    /** Returns whether Run can start: a model is open and no job runs. */
    public BooleanBinding canRun() {
        return canRun;
    }

    public ActivationsViewModel activations() {
        return activations;
    }

    /** Returns the neuron selection shared by every tab. */
    public NeuronSelection selection() {
        return selection;
    }

    public AnalysisViewModel analysis() {
        return analysis;
    }

    public ModelPickerViewModel modelPicker() {
        return modelPicker;
    }

    /** Returns the commands of the model picker: refresh, open and download. */
    public ModelLibraryCommands libraryCommands() {
        return libraryJobs;
    }

    public EvaluationViewModel evaluation() {
        return evaluation;
    }

    /** Returns the commands of the Evaluate tab: run, cancel and export. */
    public EvaluationCommands evaluationCommands() {
        return evaluationJobs;
    }

    /**
     * Offers a model folder made in this session, such as an exported pruned model, in the Evaluate tab and
     * ticks it there.
     */
    public void addSessionModel(Path folder) {
        evaluationJobs.addSessionModel(folder);
    }

    public TrainingViewModel training() {
        return training;
    }

    /** Returns the commands of the Train tab: start, pause, resume, cancel, load runs and save charts. */
    public TrainingCommands trainingCommands() {
        return trainingJobs;
    }

    public CaptureSettings captureSettings() {
        return captureSettings;
    }

    /** Returns the commands of the analysis views: capture, open, save and export. */
    public AnalysisCommands analysisCommands() {
        return analysisJobs;
    }

    public PruneViewModel pruning() {
        return pruning;
    }

    public FairnessViewModel fairness() {
        return fairness;
    }

    /** Returns the commands of the Prune and Fairness tabs: preview, export and bias reports. */
    public PruneCommands pruneCommands() {
        return pruneJobs;
    }

    public StringProperty modelPathProperty() {
        return modelPath;
    }

    /** Returns the open model's summary property; its value is null before the first model loads. */
    public ReadOnlyObjectProperty<ModelSummary> modelProperty() {
        return model.getReadOnlyProperty();
    }

    public StringProperty promptProperty() {
        return prompt;
    }

    public ObjectProperty<Integer> maxNewTokensProperty() {
        return maxNewTokens;
    }

    public ObjectProperty<Double> temperatureProperty() {
        return temperature;
    }

    public ObjectProperty<Double> topPProperty() {
        return topP;
    }

    public ObjectProperty<Long> seedProperty() {
        return seed;
    }

    public ReadOnlyStringProperty deviceProperty() {
        return device.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty jobMessageProperty() {
        return jobMessage.getReadOnlyProperty();
    }

    /** Returns the progress property of the current job: 0 to 1, or -1 while the job cannot estimate it. */
    public ReadOnlyDoubleProperty jobProgressProperty() {
        return jobProgress.getReadOnlyProperty();
    }
}
