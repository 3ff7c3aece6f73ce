package dev.topiary.ui.analysis;

import dev.topiary.ui.activations.MlpActivations;
import java.util.List;

/**
 * The tokens of one prompt of a set with the MLP activations at each of them, for the per-token view.
 *
 * @param promptIndex the prompt's index in its set
 * @param tokenTexts the readable text of each token, BOS included
 * @param activations [L][T][F], one position per token text
 */
public record PromptTokens(int promptIndex, List<String> tokenTexts, MlpActivations activations) {

    public PromptTokens {
        tokenTexts = List.copyOf(tokenTexts);
        if (tokenTexts.size() != activations.positions()) {
            throw new IllegalArgumentException(tokenTexts.size() + " token texts for " + activations.positions()
                    + " activation positions");
        }
    }
}
