package dev.topiary.ui.training;

import dev.topiary.model.Projection;
import dev.topiary.training.RunResult;
import dev.topiary.training.RunState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * State of the Train tab: the settings of the next run, the runs on the charts, the active run's progress and the
 * chart options. FX thread only. The active run is held here, not by the charts, so it keeps running and
 * collecting points when the tab is hidden or its curves are removed from the charts.
 */
public final class TrainingViewModel {

    /** TensorBoard's default smoothing weight. */
    public static final double DEFAULT_SMOOTHING = 0.6;
    private static final DateTimeFormatter FOLDER_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final String DISTILLATION_RATE = "1e-4";
    private static final String LORA_RATE = "2e-4";

    private final ObjectProperty<TrainingKind> kind = new SimpleObjectProperty<>(this, "kind", TrainingKind.LORA);
    private final StringProperty teacher = new SimpleStringProperty(this, "teacher", "");
    private final StringProperty student = new SimpleStringProperty(this, "student", "");
    private final StringProperty dataFile = new SimpleStringProperty(this, "dataFile", "");
    private final StringProperty steps = new SimpleStringProperty(this, "steps", "200");
    private final StringProperty batchSize = new SimpleStringProperty(this, "batchSize", "8");
    private final StringProperty sequenceLength = new SimpleStringProperty(this, "sequenceLength", "64");
    private final StringProperty learningRate = new SimpleStringProperty(this, "learningRate", LORA_RATE);
    private final StringProperty temperature = new SimpleStringProperty(this, "temperature", "2.0");
    private final StringProperty alpha = new SimpleStringProperty(this, "alpha", "0.5");
    private final StringProperty seed = new SimpleStringProperty(this, "seed", "1234");
    private final StringProperty checkpointEvery = new SimpleStringProperty(this, "checkpointEvery", "100");
    private final StringProperty evalEvery = new SimpleStringProperty(this, "evalEvery", "50");
    private final StringProperty loraRank = new SimpleStringProperty(this, "loraRank", "8");
    private final StringProperty loraAlpha = new SimpleStringProperty(this, "loraAlpha", "16");
    private final StringProperty loraDropout = new SimpleStringProperty(this, "loraDropout", "0.05");
    private final Map<Projection, BooleanProperty> targets = new EnumMap<>(Projection.class);
    private final BooleanProperty merge = new SimpleBooleanProperty(this, "merge", false);
    private final StringProperty output = new SimpleStringProperty(this, "output", "");
    private Path runsFolder = Path.of("runs");

    private final ObservableList<ChartedRun> runs = FXCollections.observableArrayList();
    private final ReadOnlyIntegerWrapper chartRevision = new ReadOnlyIntegerWrapper(this, "chartRevision");
    private final DoubleProperty smoothing = new SimpleDoubleProperty(this, "smoothing", DEFAULT_SMOOTHING);
    private final BooleanProperty logScale = new SimpleBooleanProperty(this, "logScale", false);
    private final ObjectProperty<Metric> heldOutMetric = new SimpleObjectProperty<>(this, "heldOutMetric",
            Metric.EVAL_LOSS);
    private final ReadOnlyObjectWrapper<LiveRun> activeRun = new ReadOnlyObjectWrapper<>(this, "activeRun");
    private final ReadOnlyObjectWrapper<RunState> activeState = new ReadOnlyObjectWrapper<>(this, "activeState");
    private final StringProperty summary = new SimpleStringProperty(this, "summary",
            "Choose LoRA or distillation, check the settings and press Start. Finished runs can be added to the "
            + "charts with Load run.");
    private final BooleanBinding runActive = Bindings.createBooleanBinding(() -> isActive(activeState.get()),
            activeState);

    public TrainingViewModel() {
        for (Projection projection : Projection.values()) {
            boolean chosen = projection == Projection.Q_PROJ || projection == Projection.V_PROJ;
            targets.put(projection, new SimpleBooleanProperty(this, projection.moduleName(), chosen));
        }
        // Each kind keeps the learning rate its command defaults to, unless the user typed another.
        kind.addListener((property, before, now) -> {
            String rate = learningRate.get() == null ? "" : learningRate.get().strip();
            if (rate.equals(DISTILLATION_RATE) || rate.equals(LORA_RATE) || rate.isEmpty()) {
                learningRate.set(now == TrainingKind.LORA ? LORA_RATE : DISTILLATION_RATE);
            }
            suggestOutput();
        });
        suggestOutput();
    }

    private static boolean isActive(RunState state) {
        return state == RunState.NEW || state == RunState.RUNNING || state == RunState.PAUSED;
    }

    /** Returns the fields as typed, for {@link TrainingForm#toSetup}. */
    public TrainingForm form() {
        Set<Projection> chosen = EnumSet.noneOf(Projection.class);
        targets.forEach((projection, ticked) -> {
            if (ticked.get()) {
                chosen.add(projection);
            }
        });
        return new TrainingForm(kind.get(), teacher.get(), student.get(), dataFile.get(), steps.get(),
                batchSize.get(), sequenceLength.get(), learningRate.get(), temperature.get(), alpha.get(), seed.get(),
                checkpointEvery.get(), evalEvery.get(), loraRank.get(), loraAlpha.get(), loraDropout.get(), chosen,
                merge.get(), output.get());
    }

    /** Sets the folder that suggested run folders go in; relative paths are under the working directory. */
    public void setRunsFolder(Path folder) {
        runsFolder = folder;
        suggestOutput();
    }

    /** Fills the output field with a new folder under the runs folder, named by kind and time. */
    public void suggestOutput() {
        String stamp = LocalDateTime.now().format(FOLDER_TIME);
        Path suggested = runsFolder.resolve(kind.get().folderPrefix() + "-" + stamp);
        for (int copy = 2; Files.exists(suggested); copy++) {
            suggested = runsFolder.resolve(kind.get().folderPrefix() + "-" + stamp + "-" + copy);
        }
        output.set(suggested.toString());
    }

    /**
     * Makes a run started in this session the active run. It joins the charts once it has loaded its models and
     * data and starts its steps, so that a run rejected while it prepares leaves no empty entry on the charts.
     */
    public LiveRun startRun(Path folder) {
        ChartedRun charted = new ChartedRun(uniqueLabel(folder), folder, new RunCurves(), RunState.NEW);
        LiveRun live = new LiveRun(charted, this::chartsChanged, () -> chart(charted));
        charted.shownProperty().addListener(observable -> chartsChanged());
        activeRun.set(live);
        activeState.bind(charted.stateProperty());
        summary.set("Run folder: " + folder + ". The summary shows here when the run ends.");
        suggestOutput();
        return live;
    }

    private void chart(ChartedRun charted) {
        if (!runs.contains(charted)) {
            runs.add(charted);
            chartsChanged();
        }
    }

    /** Shows how the active run ended; a run that ended before its first step leaves the charts. */
    public void runEnded(LiveRun live, RunResult result) {
        live.finish();
        live.charted().stateProperty().set(result.state());
        summary.set(RunSummary.format(result, live.charted().curves()));
        removeIfEmpty(live.charted());
    }

    /** Shows that the active run failed; the error dialog has the details. A run with no points leaves the charts. */
    public void runFailed(LiveRun live, String message) {
        live.finish();
        live.charted().stateProperty().set(RunState.FAILED);
        summary.set("Failed: " + message);
        removeIfEmpty(live.charted());
    }

    private void removeIfEmpty(ChartedRun charted) {
        if (charted.curves().size(Metric.TRAIN_LOSS) == 0 && runs.remove(charted)) {
            chartsChanged();
        }
    }

    /** Adds a run read from its folder to the charts. */
    public ChartedRun addStoredRun(Path folder, RunCurves curves, RunState state) {
        ChartedRun charted = new ChartedRun(uniqueLabel(folder), folder, curves, state);
        charted.shownProperty().addListener(observable -> chartsChanged());
        runs.add(charted);
        chartsChanged();
        return charted;
    }

    /** Removes a run from the charts; an active run keeps running and its summary still shows here. */
    public void removeRun(ChartedRun run) {
        runs.remove(run);
        chartsChanged();
    }

    /** Offers a model folder made in this session, such as a pruned export, as the distillation student. */
    public void offerStudent(Path folder) {
        student.set(folder.toString());
    }

    /** Marks the charts as out of date, so that the view redraws them once. */
    public void chartsChanged() {
        chartRevision.set(chartRevision.get() + 1);
    }

    private String uniqueLabel(Path folder) {
        Path name = folder.getFileName();
        String base = name == null ? folder.toString() : name.toString();
        String label = base;
        for (int copy = 2; hasLabel(label); copy++) {
            label = base + " (" + copy + ")";
        }
        return label;
    }

    private boolean hasLabel(String label) {
        return runs.stream().anyMatch(run -> run.label().equals(label));
    }

    public ObjectProperty<TrainingKind> kindProperty() {
        return kind;
    }

    /** Returns the teacher's path as typed or chosen; blank distills from the open model. */
    public StringProperty teacherProperty() {
        return teacher;
    }

    /** Returns the student's path as typed or chosen. */
    public StringProperty studentProperty() {
        return student;
    }

    /** Returns the training data file's path as typed or chosen. */
    public StringProperty dataFileProperty() {
        return dataFile;
    }

    public StringProperty stepsProperty() {
        return steps;
    }

    public StringProperty batchSizeProperty() {
        return batchSize;
    }

    public StringProperty sequenceLengthProperty() {
        return sequenceLength;
    }

    public StringProperty learningRateProperty() {
        return learningRate;
    }

    public StringProperty temperatureProperty() {
        return temperature;
    }

    public StringProperty alphaProperty() {
        return alpha;
    }

    public StringProperty seedProperty() {
        return seed;
    }

    public StringProperty checkpointEveryProperty() {
        return checkpointEvery;
    }

    public StringProperty evalEveryProperty() {
        return evalEvery;
    }

    public StringProperty loraRankProperty() {
        return loraRank;
    }

    public StringProperty loraAlphaProperty() {
        return loraAlpha;
    }

    public StringProperty loraDropoutProperty() {
        return loraDropout;
    }

    /** Returns whether a projection gets LoRA adapters. */
    public BooleanProperty targetProperty(Projection projection) {
        return targets.get(projection);
    }

    public BooleanProperty mergeProperty() {
        return merge;
    }

    public StringProperty outputProperty() {
        return output;
    }

    public ObservableList<ChartedRun> runs() {
        return runs;
    }

    /** Returns a counter that grows each time the charted points or runs change. */
    public ReadOnlyIntegerProperty chartRevisionProperty() {
        return chartRevision.getReadOnlyProperty();
    }

    /** Returns the smoothing weight, from 0 to {@link Smoothing#MAX_WEIGHT}. */
    public DoubleProperty smoothingProperty() {
        return smoothing;
    }

    public BooleanProperty logScaleProperty() {
        return logScale;
    }

    /** Returns what the held-out chart shows: {@link Metric#EVAL_LOSS} or {@link Metric#EVAL_PERPLEXITY}. */
    public ObjectProperty<Metric> heldOutMetricProperty() {
        return heldOutMetric;
    }

    /** Returns the run started last in this session, or null before the first. */
    public ReadOnlyObjectProperty<LiveRun> activeRunProperty() {
        return activeRun.getReadOnlyProperty();
    }

    /** Returns the state of the active run, or null before the first run. */
    public ReadOnlyObjectProperty<RunState> activeStateProperty() {
        return activeState.getReadOnlyProperty();
    }

    /** Returns whether the active run is starting, running or paused. */
    public BooleanBinding runActiveBinding() {
        return runActive;
    }

    public StringProperty summaryProperty() {
        return summary;
    }
}
