package dev.topiary.training;

/**
 * The settings every training run shares: length, batch shape, the AdamW optimizer, the learning-rate schedule,
 * and how often to evaluate, log and checkpoint.
 *
 * @param steps optimizer steps in the whole run
 * @param batchSize sequences per micro-batch
 * @param sequenceLength tokens each sequence feeds the model; each packed sequence contains one more token, the last
 *     target
 * @param learningRate the peak learning rate, reached after the warmup
 * @param warmupSteps steps of linear warmup from 0 to the peak
 * @param minLearningRateRatio where the cosine decay ends, as a fraction of the peak
 * @param weightDecay AdamW's decoupled weight decay, applied to matrices (arrays of two or more dimensions) only,
 *     not to norms and biases
 * @param beta1 AdamW's first-moment decay
 * @param beta2 AdamW's second-moment decay
 * @param epsilon AdamW's denominator term
 * @param maxGradNorm the global L2 norm gradients are clipped to, or 0 for no clipping
 * @param gradientAccumulation micro-batches whose gradients add up to one optimizer step
 * @param seed seeds data order, adapter initialisation and dropout
 * @param evalEvery evaluate the held-out split every this many steps and at the end, or 0 never
 * @param evalBatches the most held-out batches one evaluation scores, or 0 for all of them
 * @param checkpointEvery write a checkpoint every this many steps; one is always written at the end
 * @param keepCheckpoints how many of the newest checkpoints to keep
 * @param logEvery write a metrics row every this many steps; steps with an evaluation are always written
 * @param heldOutFraction the fraction of packed sequences, taken from the end of the data, kept for evaluation
 */
public record TrainingConfig(
        int steps,
        int batchSize,
        int sequenceLength,
        double learningRate,
        int warmupSteps,
        double minLearningRateRatio,
        double weightDecay,
        double beta1,
        double beta2,
        double epsilon,
        double maxGradNorm,
        int gradientAccumulation,
        long seed,
        int evalEvery,
        int evalBatches,
        int checkpointEvery,
        int keepCheckpoints,
        int logEvery,
        double heldOutFraction) {

    public TrainingConfig {
        require(steps >= 1, "steps must be 1 or more, got " + steps);
        require(batchSize >= 1, "the batch size must be 1 or more, got " + batchSize);
        require(sequenceLength >= 2, "the sequence length must be 2 or more tokens, got " + sequenceLength);
        require(learningRate > 0 && Double.isFinite(learningRate),
                "the learning rate must be positive and finite, got " + learningRate);
        require(warmupSteps >= 0, "warmup steps must be 0 or more, got " + warmupSteps);
        require(minLearningRateRatio >= 0 && minLearningRateRatio <= 1,
                "the minimum learning-rate ratio must be between 0 and 1, got " + minLearningRateRatio);
        require(weightDecay >= 0, "weight decay must be 0 or more, got " + weightDecay);
        require(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1,
                "AdamW's betas must be in [0, 1), got " + beta1 + " and " + beta2);
        require(epsilon > 0, "AdamW's epsilon must be positive, got " + epsilon);
        require(maxGradNorm >= 0, "the gradient clipping norm must be 0 (off) or positive, got " + maxGradNorm);
        require(gradientAccumulation >= 1, "gradient accumulation must be 1 or more, got " + gradientAccumulation);
        require(evalEvery >= 0, "eval-every must be 0 (never) or more, got " + evalEvery);
        require(evalBatches >= 0, "eval batches must be 0 (all) or more, got " + evalBatches);
        require(checkpointEvery >= 1, "checkpoint-every must be 1 or more, got " + checkpointEvery);
        require(keepCheckpoints >= 1, "keep-checkpoints must be 1 or more, got " + keepCheckpoints);
        require(logEvery >= 1, "log-every must be 1 or more, got " + logEvery);
        require(heldOutFraction > 0 && heldOutFraction < 1,
                "the held-out fraction must be between 0 and 1 (exclusive), got " + heldOutFraction);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("Invalid training setting: " + message + ".");
        }
    }

    /** Returns a builder with the defaults: 200 steps of 8 x 64 tokens at 3e-4, 10% warmup. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a builder that starts from this config. */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.steps = steps;
        builder.batchSize = batchSize;
        builder.sequenceLength = sequenceLength;
        builder.learningRate = learningRate;
        builder.warmupSteps = warmupSteps;
        builder.minLearningRateRatio = minLearningRateRatio;
        builder.weightDecay = weightDecay;
        builder.beta1 = beta1;
        builder.beta2 = beta2;
        builder.epsilon = epsilon;
        builder.maxGradNorm = maxGradNorm;
        builder.gradientAccumulation = gradientAccumulation;
        builder.seed = seed;
        builder.evalEvery = evalEvery;
        builder.evalBatches = evalBatches;
        builder.checkpointEvery = checkpointEvery;
        builder.keepCheckpoints = keepCheckpoints;
        builder.logEvery = logEvery;
        builder.heldOutFraction = heldOutFraction;
        return builder;
    }

    /** Returns the tokens one optimizer step trains on. */
    public long tokensPerStep() {
        return (long) batchSize * gradientAccumulation * sequenceLength;
    }

    /** Builds a {@link TrainingConfig}; unset fields keep their defaults. */
    public static final class Builder {
        private int steps = 200;
        private int batchSize = 8;
        private int sequenceLength = 64;
        private double learningRate = 3e-4;
        private Integer warmupSteps;
        private double minLearningRateRatio = 0.1;
        private double weightDecay = 0.01;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double epsilon = 1e-8;
        private double maxGradNorm = 1.0;
        private int gradientAccumulation = 1;
        private long seed = 1234;
        private int evalEvery = 50;
        private int evalBatches = 0;
        private int checkpointEvery = 100;
        private int keepCheckpoints = 2;
        private int logEvery = 1;
        private double heldOutFraction = 0.1;

        private Builder() {}

        public Builder steps(int value) {
            steps = value;
            return this;
        }

        public Builder batchSize(int value) {
            batchSize = value;
            return this;
        }

        public Builder sequenceLength(int value) {
            sequenceLength = value;
            return this;
        }

        public Builder learningRate(double value) {
            learningRate = value;
            return this;
        }

        /** Sets the warmup; without it the warmup is 10% of the steps. */
        public Builder warmupSteps(int value) {
            warmupSteps = value;
            return this;
        }

        public Builder minLearningRateRatio(double value) {
            minLearningRateRatio = value;
            return this;
        }

        public Builder weightDecay(double value) {
            weightDecay = value;
            return this;
        }

        public Builder betas(double first, double second) {
            beta1 = first;
            beta2 = second;
            return this;
        }

        public Builder epsilon(double value) {
            epsilon = value;
            return this;
        }

        public Builder maxGradNorm(double value) {
            maxGradNorm = value;
            return this;
        }

        public Builder gradientAccumulation(int value) {
            gradientAccumulation = value;
            return this;
        }

        public Builder seed(long value) {
            seed = value;
            return this;
        }

        public Builder evalEvery(int value) {
            evalEvery = value;
            return this;
        }

        public Builder evalBatches(int value) {
            evalBatches = value;
            return this;
        }

        public Builder checkpointEvery(int value) {
            checkpointEvery = value;
            return this;
        }

        public Builder keepCheckpoints(int value) {
            keepCheckpoints = value;
            return this;
        }

        public Builder logEvery(int value) {
            logEvery = value;
            return this;
        }

        public Builder heldOutFraction(double value) {
            heldOutFraction = value;
            return this;
        }

        public TrainingConfig build() {
            int warmup = warmupSteps != null ? warmupSteps : steps / 10;
            return new TrainingConfig(steps, batchSize, sequenceLength, learningRate, warmup, minLearningRateRatio,
                    weightDecay, beta1, beta2, epsilon, maxGradNorm, gradientAccumulation, seed, evalEvery,
                    evalBatches, checkpointEvery, keepCheckpoints, logEvery, heldOutFraction);
        }
    }
}
