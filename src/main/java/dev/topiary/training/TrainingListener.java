package dev.topiary.training;

import java.nio.file.Path;

/**
 * Receives a run's progress. Methods are called between steps on the thread that called {@link TrainingRun#run},
 * never on the engine thread, so a window hands them to its UI thread. An exception a listener throws is logged
 * and does not stop the run.
 */
public interface TrainingListener {

    /** Called when the run starts, or resumes from a checkpoint at {@code firstStep - 1}. */
    default void started(int firstStep, int totalSteps) {}

    /**
     * Called instead of {@link #started} when a resumed run had reached its final step before it stopped: the run
     * writes its results from that checkpoint without training.
     */
    default void exportingFromCheckpoint(int step, Path checkpoint) {}

    /** Called after each optimizer step; the metrics carry the evaluation when the step made one. */
    default void stepFinished(StepMetrics metrics) {}

    /** Called after each scoring of the held-out split, including one before the first step of a new run. */
    default void evaluated(Evaluation evaluation) {}

    /** Called after a checkpoint is written and moved into place. */
    default void checkpointWritten(int step, Path folder) {}

    /** Called when the run changes state: running, paused, completed, cancelled or failed. */
    default void stateChanged(RunState state) {}
}
