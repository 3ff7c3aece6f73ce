package dev.topiary.ui.evaluation;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything an evaluation run needs, fixed when Run is pressed.
 *
 * @param models the models in run order; the first is the baseline
 * @param reference the reference of KL and agreement, or null
 * @param window the longest scoring window in tokens, or 0 for each model's context
 * @param stride how far apart the windows of a long text start, or 0 for half the window
 * @param batchSize windows per forward pass
 * @param speedTokens tokens decoded per speed run, or 0 to skip the speed test
 * @param prompts the prompts of the greedy generations, possibly none
 * @param generationTokens new tokens per generation
 */
public record EvaluationPlan(List<ModelChoice> models, ModelChoice reference, Path textSet, List<Path> tasks,
        int window, int stride, int batchSize, int speedTokens, List<String> prompts, int generationTokens) {

    public EvaluationPlan {
        models = List.copyOf(models);
        tasks = List.copyOf(tasks);
        prompts = List.copyOf(prompts);
    }

    /** Returns the window for a model with this context: the requested window, at most the context. */
    public int windowFor(int context) {
        return window > 0 ? Math.min(window, context) : context;
    }

    /** Returns the stride for a window: the requested stride, or half the window. */
    public int strideFor(int usedWindow) {
        return stride > 0 ? stride : Math.max(1, usedWindow / 2);
    }
}
