package dev.topiary.ui.training;

import dev.topiary.training.Evaluation;
import dev.topiary.training.RunState;
import dev.topiary.training.StepMetrics;
import dev.topiary.training.TrainingListener;
import dev.topiary.training.TrainingRun;
import dev.topiary.ui.Counts;
import java.util.Locale;
import java.util.OptionalDouble;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.util.Duration;

/**
 * Connects a {@link TrainingRun} to its {@link ChartedRun}: the run's listener calls arrive on the training thread
 * and only fill a {@link PointBuffer}; a timeline on the FX thread drains it every {@value #FLUSH_MILLIS} ms into
 * the curves and calls {@code onFlush} once per drain that brought points, which redraws the charts. State changes
 * reach the FX thread at once, since they are few.
 */
public final class LiveRun implements TrainingListener {

    /** The interval of chart updates: at least twice a second, and few enough redraws to keep the window fluid. */
    public static final int FLUSH_MILLIS = 250;
    /** The steps whose pace sets the ETA. */
    private static final int ETA_WINDOW = 20;

    /** Receives the progress line and steps done after each step, on the training thread. */
    @FunctionalInterface
    public interface ProgressSink {
        void progress(String message, int stepsDone, int totalSteps);
    }

    private final ChartedRun charted;
    private final Runnable onFlush;
    private final Runnable onStarted;
    private final PointBuffer buffer = new PointBuffer();
    private final Eta eta = new Eta(ETA_WINDOW);
    private final Timeline timeline;
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(this, "progress", -1);
    private final ReadOnlyStringWrapper progressText = new ReadOnlyStringWrapper(this, "progressText", "Starting");
    private volatile TrainingRun run;
    private volatile ProgressSink sink = (message, done, total) -> { };
    private volatile String latestLine;
    private volatile double latestProgress = -1;
    private int totalSteps;
    private RunState lastState = RunState.NEW;
    private boolean finished;

    /**
     * Creates the connection and starts the flush timeline; call on the FX thread.
     *
     * @param onFlush called on the FX thread after new points reached the curves
     * @param onStarted called on the FX thread once the run has loaded its models and data and starts its steps
     */
    public LiveRun(ChartedRun charted, Runnable onFlush, Runnable onStarted) {
        this.charted = charted;
        this.onFlush = onFlush;
        this.onStarted = onStarted;
        this.timeline = new Timeline(new KeyFrame(Duration.millis(FLUSH_MILLIS), event -> flush()));
        timeline.setCycleCount(Timeline.INDEFINITE);
        timeline.play();
    }

    /** Listens to a run; call before {@link TrainingRun#run}, from any thread. */
    public void attach(TrainingRun trainingRun, ProgressSink progressSink) {
        this.sink = progressSink;
        this.run = trainingRun;
        trainingRun.addListener(this);
    }

    public ChartedRun charted() {
        return charted;
    }

    /** Asks the run to pause after its current step; does nothing before the run is attached. */
    public void pause() {
        TrainingRun current = run;
        if (current != null) {
            current.pause();
        }
    }

    public void resume() {
        TrainingRun current = run;
        if (current != null) {
            current.resume();
        }
    }

    /** Asks the run to stop after its current step, writing a checkpoint of it. */
    public void cancel() {
        TrainingRun current = run;
        if (current != null) {
            current.cancel();
        }
    }

    /** Returns the fraction of steps done, or -1 (indeterminate) before the first step. */
    public ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    /** Returns the step, loss, speed and ETA of the latest step, as one line; empty once the run has ended. */
    public ReadOnlyStringProperty progressTextProperty() {
        return progressText.getReadOnlyProperty();
    }

    @Override
    public void started(int firstStep, int total) {
        totalSteps = total;
        eta.restart(firstStep - 1, System.nanoTime());
        latestLine = firstStep == 1 ? "Starting " + Counts.of(total, "step") : "Resuming at step " + firstStep;
        sink.progress(latestLine, firstStep - 1, total);
        Platform.runLater(onStarted);
    }

    @Override
    public void stepFinished(StepMetrics metrics) {
        buffer.addStep(metrics);
        eta.mark(metrics.step(), System.nanoTime());
        latestLine = progressLine(metrics, eta.remainingSeconds(metrics.totalSteps()));
        latestProgress = metrics.progress();
        sink.progress(latestLine, metrics.step(), metrics.totalSteps());
    }

    @Override
    public void evaluated(Evaluation evaluation) {
        buffer.addEvaluation(evaluation);
    }

    @Override
    public void stateChanged(RunState state) {
        if (lastState == RunState.PAUSED && state == RunState.RUNNING) {
            // The pause is no part of the pace.
            eta.restart(run.currentStep(), System.nanoTime());
        }
        lastState = state;
        if (state == RunState.PAUSED) {
            sink.progress("Paused after step " + run.currentStep() + " of " + totalSteps, run.currentStep(),
                    totalSteps);
        }
        Platform.runLater(() -> {
            charted.stateProperty().set(state);
            if (state == RunState.COMPLETED || state == RunState.CANCELLED || state == RunState.FAILED) {
                finish();
            }
        });
    }

    /**
     * Drains the last points, stops the timeline and clears the progress line, since the run's summary replaces
     * it; call on the FX thread. Later calls do nothing.
     */
    public void finish() {
        if (finished) {
            return;
        }
        finished = true;
        flush();
        timeline.stop();
        latestLine = null;
        progressText.set("");
        // A run that failed before its first step would otherwise leave the bar animating as indeterminate.
        if (progress.get() < 0) {
            progress.set(0);
        }
    }

    private void flush() {
        int points = buffer.drainInto(charted.curves());
        String line = latestLine;
        if (line != null) {
            progressText.set(line);
            progress.set(latestProgress);
        }
        if (points > 0) {
            onFlush.run();
        }
    }

    /** Formats a step's line for the status bar and the tab, such as "Step 12 / 200, loss 2.3456, ...". */
    static String progressLine(StepMetrics metrics, OptionalDouble remainingSeconds) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "Step %d / %d, loss %.4f, %,.0f tokens/s",
                metrics.step(), metrics.totalSteps(), metrics.loss(), metrics.tokensPerSecond()));
        if (metrics.step() < metrics.totalSteps() && remainingSeconds.isPresent()) {
            line.append(", about ").append(Eta.format(remainingSeconds.getAsDouble())).append(" left");
        }
        return line.toString();
    }
}
