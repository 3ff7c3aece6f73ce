package dev.topiary.training;

/** The stage a {@link TrainingRun} is in. */
public enum RunState {
    /** Created, {@link TrainingRun#run} not called yet. */
    NEW,
    /** Training steps are running. */
    RUNNING,
    /** Waiting between steps until {@link TrainingRun#resume} or {@link TrainingRun#cancel}. */
    PAUSED,
    /** Every step ran; the final checkpoint and the model or adapter are written. */
    COMPLETED,
    /** Stopped early by {@link TrainingRun#cancel}; a checkpoint of the last step is written, so it can resume. */
    CANCELLED,
    /** Stopped by an error such as a loss that is not finite; the last good checkpoint is kept. */
    FAILED
}
