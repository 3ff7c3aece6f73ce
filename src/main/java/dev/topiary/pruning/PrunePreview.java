package dev.topiary.pruning;

import dev.topiary.activations.ActivationRecorder;
import dev.topiary.activations.PromptSet;
import dev.topiary.evaluation.Perplexity;
import dev.topiary.model.Ablation;
import dev.topiary.model.GenerationOptions;
import dev.topiary.model.Generator;
import dev.topiary.model.LanguageModel;
import dev.topiary.model.ModelConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Compares a model with and without a pruning plan applied as an ablation: greedy generations of the same
 * prompts side by side, perplexity on a held-out text set, and parameter counts. The model's weights are
 * never changed, and the ablation is removed again before this returns. Call on the engine thread.
 */
public final class PrunePreview {

    private PrunePreview() {}

    /** One prompt's continuation before and after. */
    public record Generation(String prompt, String original, String pruned) {}

    /**
     * The comparison.
     *
     * @param generations one entry per prompt
     * @param perplexityBefore perplexity of the unpruned model on the held-out set, or NaN without one
     * @param perplexityAfter perplexity with the plan applied, or NaN without a held-out set
     * @param parametersBefore parameter count of the model
     * @param parametersAfter parameter count after pruning
     */
    public record Result(List<Generation> generations, double perplexityBefore, double perplexityAfter,
            long parametersBefore, long parametersAfter) {}

    /** Runs the comparison; {@code heldOut} may be null to skip perplexity. */
    public static Result compare(LanguageModel model, PrunePlan plan, List<String> prompts, PromptSet heldOut,
            int maxNewTokens, BooleanSupplier cancelled) {
        ModelConfig config = model.config();
        Ablation ablation = plan.ablation(config);
        List<String> original = generate(model, prompts, maxNewTokens, cancelled);
        double before = heldOut == null ? Double.NaN : Perplexity.compute(model, heldOut, cancelled).perplexity();
        List<String> pruned;
        double after;
        model.transformer().setAblation(ablation);
        try {
            pruned = generate(model, prompts, maxNewTokens, cancelled);
            after = heldOut == null ? Double.NaN : Perplexity.compute(model, heldOut, cancelled).perplexity();
        } finally {
            model.transformer().setAblation(Ablation.none(config.numHiddenLayers()));
        }
        List<Generation> generations = new ArrayList<>();
        for (int i = 0; i < Math.min(original.size(), pruned.size()); i++) {
            generations.add(new Generation(prompts.get(i), original.get(i), pruned.get(i)));
        }
        return new Result(generations, before, after, config.parameterCount(), plan.apply(config).parameterCount());
    }

    private static List<String> generate(LanguageModel model, List<String> prompts, int maxNewTokens,
            BooleanSupplier cancelled) {
        List<String> texts = new ArrayList<>();
        for (String prompt : prompts) {
            if (cancelled.getAsBoolean()) {
                break;
            }
            int[] tokens = model.tokenizer().encode(prompt);
            texts.add(Generator.generate(model, tokens, GenerationOptions.greedy(maxNewTokens), ActivationRecorder.NONE,
                    cancelled).text());
        }
        return texts;
    }
}
