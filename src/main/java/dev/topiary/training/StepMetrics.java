package dev.topiary.training;

/**
 * The measurements of one optimizer step, with the run's progress. Values a step does not have are NaN: {@code kl} and
 * {@code hiddenLoss} outside distillation, the {@code eval} fields on steps without an evaluation.
 *
 * @param step the optimizer step just taken, from 1
 * @param totalSteps the steps of the whole run
 * @param loss the training loss, averaged over the step's micro-batches
 * @param crossEntropy the next-token cross-entropy in nats
 * @param kl the KL divergence from teacher to student at the distillation temperature, in nats
 * @param hiddenLoss the hidden-state alignment loss
 * @param learningRate the learning rate this step used
 * @param gradientNorm the global L2 norm of the gradients before clipping
 * @param tokensPerSecond training tokens per second of this step, the teacher's forward pass included
 * @param elapsedSeconds seconds since this session of the run started (a resumed run starts again at 0)
 * @param remainingSeconds the estimated seconds to the last step, from the mean step time so far
 * @param evalLoss the held-out loss, when this step evaluated
 * @param evalCrossEntropy the held-out cross-entropy in nats
 * @param evalPerplexity {@code exp(evalCrossEntropy)}
 * @param evalKl the held-out KL divergence to the teacher at temperature 1, for distillation
 */
public record StepMetrics(
        int step,
        int totalSteps,
        double loss,
        double crossEntropy,
        double kl,
        double hiddenLoss,
        double learningRate,
        double gradientNorm,
        double tokensPerSecond,
        double elapsedSeconds,
        double remainingSeconds,
        double evalLoss,
        double evalCrossEntropy,
        double evalPerplexity,
        double evalKl) {

    /** Returns whether this step evaluated the held-out split. */
    public boolean evaluated() {
        return !Double.isNaN(evalLoss);
    }

    /** Returns the fraction of the run done, from 0 to 1. */
    public double progress() {
        return (double) step / totalSteps;
    }
}
