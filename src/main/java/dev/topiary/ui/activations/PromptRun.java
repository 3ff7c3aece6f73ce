package dev.topiary.ui.activations;

import dev.topiary.model.StopReason;
import java.util.List;

/**
 * One prompt and its continuation, with the MLP activations of every position.
 *
 * @param prompt the prompt text as typed
 * @param continuation the decoded generated text
 * @param tokenTexts a short readable form of the token at each position that has activations, prompt tokens
 *     (BOS included) first, then every generated token; a run cancelled part way lacks its last token
 * @param promptLength how many of the positions belong to the prompt
 * @param generatedTokens how many tokens were generated after the prompt, end token excluded
 * @param stopReason why generation ended
 * @param decodeTokensPerSecond decode speed after the first generated token, 0 when not measured
 * @param activations the MLP neuron activations, [L][T][F]
 */
public record PromptRun(String prompt, String continuation, List<String> tokenTexts, int promptLength,
        int generatedTokens, StopReason stopReason, double decodeTokensPerSecond, MlpActivations activations) {

    /** Returns whether generation ended at one of the model's end tokens. */
    public boolean stoppedAtEndToken() {
        return stopReason == StopReason.END_TOKEN;
    }

    public PromptRun {
        tokenTexts = List.copyOf(tokenTexts);
        if (tokenTexts.size() != activations.positions()) {
            throw new IllegalArgumentException(tokenTexts.size() + " token texts for " + activations.positions()
                    + " activation positions");
        }
    }
}
