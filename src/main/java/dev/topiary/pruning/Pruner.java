package dev.topiary.pruning;

import dev.topiary.model.Checkpoint;

/** Applies a plan to an open checkpoint. */
public final class Pruner {

    private Pruner() {}

    /** Returns the pruned checkpoint; it reads from {@code original}, which must stay open while it is used. */
    public static Checkpoint prune(Checkpoint original, PrunePlan plan) {
        if (plan.keptNeurons().size() != original.config().numHiddenLayers()) {
            throw new IllegalArgumentException("The plan is for " + plan.keptNeurons().size() + " layers but the model "
                    + "has " + original.config().numHiddenLayers() + ".");
        }
        return new Checkpoint(original.source(), original.format() + ", pruned", plan.apply(original.config()),
                new PrunedTensors(original.tensors(), original.config(), plan), original.tokenizer(),
                original.tokenizerFile());
    }
}
