package dev.topiary.ui;

import dev.topiary.model.GenerationOptions;
import dev.topiary.ui.activations.PromptRun;
import javafx.concurrent.Task;

/** Continues a prompt in the background, reporting generated tokens as progress; cancelling stops between tokens. */
final class RunPromptTask extends Task<PromptRun> {

    private final InferenceService inference;
    private final LoadedModel model;
    private final String prompt;
    private final GenerationOptions options;

    RunPromptTask(InferenceService inference, LoadedModel model, String prompt, GenerationOptions options) {
        this.inference = inference;
        this.model = model;
        this.prompt = prompt;
        this.options = options;
        updateTitle("Run prompt");
        updateMessage("Generating up to " + Counts.of(options.maxNewTokens(), "token"));
        updateProgress(0, options.maxNewTokens());
    }

    @Override
    protected PromptRun call() {
        return inference.run(model, prompt, options, this::reportProgress, this::isCancelled);
    }

    private void reportProgress(int tokensDone) {
        updateMessage("Generated " + tokensDone + " of up to " + Counts.of(options.maxNewTokens(), "token"));
        updateProgress(tokensDone, options.maxNewTokens());
    }
}
