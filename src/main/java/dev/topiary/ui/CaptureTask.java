package dev.topiary.ui;

import dev.topiary.activations.ActivationAnalysis;
import dev.topiary.activations.CaptureOptions;
import dev.topiary.activations.PromptSet;
import dev.topiary.activations.PromptSetException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.concurrent.Task;

/**
 * Reads a prompt file and captures activation statistics over it in the background, reporting prompts done,
 * total and the estimated time left.
 *
 * <p>Cancelling stops the capture after the current batch. The task is marked cancelled at once, so its value
 * never reaches the succeeded handler; the statistics of the batches before the stop go to {@code partialResult}
 * instead, on the FX thread, once the engine has finished the batch.
 */
final class CaptureTask extends Task<CaptureTask.Result> {

    /** A finished or partial capture with the prompts it ran on. */
    record Result(ActivationAnalysis analysis, PromptSet prompts) {}

    private final InferenceService inference;
    private final LoadedModel model;
    private final Path file;
    private final CaptureOptions options;
    private final Consumer<Result> partialResult;
    private long started;

    CaptureTask(InferenceService inference, LoadedModel model, Path file, CaptureOptions options,
            Consumer<Result> partialResult) {
        this.inference = inference;
        this.model = model;
        this.file = file;
        this.options = options;
        this.partialResult = partialResult;
        updateTitle("Capture");
        updateMessage("Reading " + file.getFileName());
        updateProgress(-1, 1);
    }

    @Override
    protected Result call() throws PromptSetException {
        PromptSet prompts = PromptSet.read(file);
        updateMessage("Capturing " + prompts.name() + ": 0 / " + Counts.of(prompts.size(), "prompt"));
        updateProgress(0, prompts.size());
        started = System.nanoTime();
        ActivationAnalysis analysis = inference.capture(model, prompts, options,
                (done, total) -> reportProgress(prompts.name(), done, total), this::isCancelled);
        Result result = new Result(analysis, prompts);
        if (isCancelled()) {
            Platform.runLater(() -> partialResult.accept(result));
        }
        return result;
    }

    private void reportProgress(String name, int done, int total) {
        double elapsedSeconds = (System.nanoTime() - started) / 1e9;
        String left = done >= total ? "" : ", about " + formatDuration(elapsedSeconds / done * (total - done))
                + " left";
        updateMessage("Capturing " + name + ": " + done + " / " + Counts.of(total, "prompt") + left);
        updateProgress(done, total);
    }

    /** Formats an estimated duration as whole seconds, minutes and seconds, or hours and minutes. */
    static String formatDuration(double seconds) {
        long whole = Math.max(1, Math.round(seconds));
        if (whole < 60) {
            return whole + " s";
        }
        if (whole < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", whole / 60, whole % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", whole / 3600, whole % 3600 / 60);
    }
}
