package dev.topiary.cli;

import dev.topiary.training.TrainingConfig;
import picocli.CommandLine.Option;

/**
 * The options every training command shares. An option left out keeps the default, or on {@code --resume} the
 * value the run started with, so a resume needs no option repeated.
 */
final class TrainingOptions {

    @Option(names = "--steps", paramLabel = "N", description = "Optimizer steps (default: 200).")
    Integer steps;

    @Option(names = "--batch-size", paramLabel = "N", converter = PositiveInteger.class,
            description = "Sequences per micro-batch (default: 8).")
    Integer batchSize;

    @Option(names = "--seq-len", paramLabel = "N", description = "Tokens per training sequence (default: 64).")
    Integer sequenceLength;

    @Option(names = "--lr", paramLabel = "RATE", description = "Peak learning rate (default: 1e-4 for distill, "
            + "2e-4 for lora).")
    Double learningRate;

    @Option(names = "--warmup", paramLabel = "N", description = "Linear warmup steps (default: 10%% of --steps).")
    Integer warmupSteps;

    @Option(names = "--min-lr-ratio", paramLabel = "R",
            description = "Where the cosine decay ends, as a fraction of --lr (default: 0.1).")
    Double minLearningRateRatio;

    @Option(names = "--weight-decay", paramLabel = "W",
            description = "AdamW weight decay on matrices (default: 0.01 for distill, 0 for lora).")
    Double weightDecay;

    @Option(names = "--clip", paramLabel = "NORM",
            description = "Clip gradients to this global L2 norm; 0 turns clipping off (default: 1.0).")
    Double maxGradNorm;

    @Option(names = "--grad-accum", paramLabel = "N",
            description = "Micro-batches per optimizer step (default: 1).")
    Integer gradientAccumulation;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of data order, initialisation and dropout "
            + "(default: 1234).")
    Long seed;

    @Option(names = "--eval-every", paramLabel = "N",
            description = "Score the held-out split every N steps and at the end; 0 never (default: 50).")
    Integer evalEvery;

    @Option(names = "--eval-batches", paramLabel = "N",
            description = "At most N held-out batches per evaluation; 0 for all (default: 0).")
    Integer evalBatches;

    @Option(names = "--checkpoint-every", paramLabel = "N",
            description = "Write a checkpoint every N steps; one is always written at the end (default: 100).")
    Integer checkpointEvery;

    @Option(names = "--keep-checkpoints", paramLabel = "N", description = "Keep the newest N checkpoints (default: 2).")
    Integer keepCheckpoints;

    @Option(names = "--log-every", paramLabel = "N", description = "Write a metrics row every N steps (default: 1).")
    Integer logEvery;

    @Option(names = "--held-out", paramLabel = "FRACTION",
            description = "Fraction of the data, from its end, kept for evaluation (default: 0.1).")
    Double heldOutFraction;

    /** Applies the options that were given on top of {@code base}. */
    TrainingConfig apply(TrainingConfig.Builder base) {
        if (steps != null) {
            base.steps(steps);
        }
        if (batchSize != null) {
            base.batchSize(batchSize);
        }
        if (sequenceLength != null) {
            base.sequenceLength(sequenceLength);
        }
        if (learningRate != null) {
            base.learningRate(learningRate);
        }
        if (warmupSteps != null) {
            base.warmupSteps(warmupSteps);
        }
        if (minLearningRateRatio != null) {
            base.minLearningRateRatio(minLearningRateRatio);
        }
        if (weightDecay != null) {
            base.weightDecay(weightDecay);
        }
        if (maxGradNorm != null) {
            base.maxGradNorm(maxGradNorm);
        }
        if (gradientAccumulation != null) {
            base.gradientAccumulation(gradientAccumulation);
        }
        if (seed != null) {
            base.seed(seed);
        }
        if (evalEvery != null) {
            base.evalEvery(evalEvery);
        }
        if (evalBatches != null) {
            base.evalBatches(evalBatches);
        }
        if (checkpointEvery != null) {
            base.checkpointEvery(checkpointEvery);
        }
        if (keepCheckpoints != null) {
            base.keepCheckpoints(keepCheckpoints);
        }
        if (logEvery != null) {
            base.logEvery(logEvery);
        }
        if (heldOutFraction != null) {
            base.heldOutFraction(heldOutFraction);
        }
        return base.build();
    }
}
