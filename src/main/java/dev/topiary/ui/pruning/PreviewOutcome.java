package dev.topiary.ui.pruning;

import dev.topiary.pruning.PrunePlan;
import dev.topiary.pruning.PrunePreview;

/**
 * A finished preview: the settings and plan it ran with and what it measured.
 *
 * @param heldOutName the name of the held-out text set the perplexities were computed on
 * @param heldOutTexts the number of texts in it
 */
public record PreviewOutcome(PlanRequest request, PrunePlan plan, PrunePreview.Result result, String heldOutName,
        int heldOutTexts) {}
