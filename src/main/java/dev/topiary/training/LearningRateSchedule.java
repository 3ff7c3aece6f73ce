package dev.topiary.training;

/**
 * The learning rate of each step: a linear warmup from 0 to the peak, then a cosine decay to
 * {@code minLearningRateRatio} times the peak at the last step.
 */
public final class LearningRateSchedule {

    private LearningRateSchedule() {}

    /**
     * Returns the learning rate of a step.
     *
     * @param step the optimizer step, from 1
     */
    public static double at(TrainingConfig config, int step) {
        double peak = config.learningRate();
        int warmup = config.warmupSteps();
        if (step <= warmup) {
            return peak * step / warmup;
        }
        int decaySteps = config.steps() - warmup;
        if (decaySteps <= 0) {
            return peak;
        }
        double progress = Math.min(1.0, (double) (step - warmup) / decaySteps);
        double floor = peak * config.minLearningRateRatio();
        return floor + (peak - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
