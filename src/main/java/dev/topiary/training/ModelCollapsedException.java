package dev.topiary.training;

/**
 * A run stopped because its model collapsed: the gradients are all zero and the next-token distribution is uniform,
 * so no further step can change the weights. The update of the step before the detection caused it, so a
 * checkpoint of that step or later contains collapsed weights.
 */
public class ModelCollapsedException extends TrainingException {

    private final int firstCollapsedStep;

    /**
     * @param firstCollapsedStep the first step after whose update the weights had collapsed
     */
    public ModelCollapsedException(String message, int firstCollapsedStep) {
        super(message);
        this.firstCollapsedStep = firstCollapsedStep;
    }

    /** Returns the first step after whose update the weights had collapsed; checkpoints from it on are useless. */
    public int firstCollapsedStep() {
        return firstCollapsedStep;
    }
}
