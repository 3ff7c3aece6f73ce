package dev.topiary.ui;

import dev.topiary.engine.ComputeDtype;
import dev.topiary.model.ModelFormatException;
import java.nio.file.Path;
import javafx.concurrent.Task;

/**
 * Loads a model in the background.
 *
 * <p>The engine cannot stop a load half way, so a cancelled load still produces a model, possibly after the task
 * was cancelled. Whichever of {@link #call} and {@link #cancel(boolean)} runs second, and so finds both the model
 * and the cancellation, frees the model. The lock makes sure that exactly one of them does.
 */
final class LoadModelTask extends Task<LoadedModel> {

    private final InferenceService inference;
    private final JobRunner jobs;
    private final Path path;
    private final Path tokenizer;
    private final ComputeDtype dtype;
    /** The model once {@link #call} has decided to return it; guarded by this. */
    private LoadedModel loaded;

    LoadModelTask(InferenceService inference, JobRunner jobs, Path path) {
        this(inference, jobs, path, null, ComputeDtype.fromSystemProperty());
    }

    /**
     * @param tokenizer a llama2.c tokenizer file, or null to look beside the checkpoint
     * @param dtype the dtype to hold the weights in
     */
    LoadModelTask(InferenceService inference, JobRunner jobs, Path path, Path tokenizer, ComputeDtype dtype) {
        this.inference = inference;
        this.jobs = jobs;
        this.path = path;
        this.tokenizer = tokenizer;
        this.dtype = dtype;
        updateTitle("Open model");
        updateMessage("Loading " + path);
        updateProgress(-1, 1);
    }

    @Override
    protected LoadedModel call() throws ModelFormatException {
        LoadedModel opened = inference.load(path, tokenizer, dtype);
        boolean discard;
        synchronized (this) {
            discard = isCancelled();
            if (!discard) {
                loaded = opened;
            }
        }
        if (discard) {
            inference.close(opened);
            return null;
        }
        return opened;
    }

    /**
     * Cancels without interrupting the worker: an interrupted worker stops waiting for the engine, and the model
     * the engine then finishes loading would never be freed.
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        synchronized (this) {
            boolean cancelled = super.cancel(false);
            if (cancelled && loaded != null) {
                LoadedModel orphan = loaded;
                jobs.submit("Free the cancelled model " + orphan.summary().name(), () -> inference.close(orphan));
            }
            return cancelled;
        }
    }
}
