package dev.topiary.activations;

/** Receives progress of a capture after each batch, on the engine thread. */
@FunctionalInterface
public interface CaptureProgress {

    /** Reports that {@code done} of {@code total} prompts are captured. */
    void update(int done, int total);
}
