package dev.topiary.training;

import java.nio.file.Path;

/**
 * Receives a run's progress. Methods are called on the thread that called {@link TrainingRun#run}, never on the
 * engine thread, between steps; a window hands them to its UI thread. An exception a listener throws is logged
 * and does not stop the run.
 */
public interface TrainingListener {

    /** The run starts, or resumes from a checkpoint at {@code firstStep - 1}. */
    default void started(int firstStep, int totalSteps) {}

    /** One optimizer step finished; the metrics carry the evaluation when the step made one. */
    default void stepFinished(StepMetrics metrics) {}

    /** The held-out split was scored, including once before the first step of a new run. */
    default void evaluated(Evaluation evaluation) {}

    /** A checkpoint was written and moved into place. */
    default void checkpointWritten(int step, Path folder) {}

    /** The run changed state: running, paused, completed, cancelled or failed. */
    default void stateChanged(RunState state) {}
}
