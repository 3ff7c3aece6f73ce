package dev.topiary.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.topiary.engine.Scalars;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs optimizer steps and evaluations of one task on its data. Every method runs on the engine thread, where
 * gradient tracking is off outside a gradient collector. The collector is global to the JVM, so only one step may
 * hold it at a time, which the single engine thread guarantees.
 */
final class Trainer implements AutoCloseable {

    /**
     * Maximum distance from ln(V) of a cross-entropy that counts as uniform. The collapse of stories260K LoRA at learning rate 1e9
     * gave ln(512) to within 5e-7 in float32.
     */
    private static final double UNIFORM_TOLERANCE = 1e-3;

    private final TrainingTask task;
    private final TrainingData data;
    private final TrainingConfig config;
    private final AdamW optimizer;
    private final NDManager manager;

    /** The measurements of one optimizer step; the losses are means over its micro-batches. */
    record StepOutcome(int step, double loss, double crossEntropy, double kl, double hidden, double learningRate,
            double gradientNorm) {}

    Trainer(TrainingTask task, TrainingData data, TrainingConfig config) {
        if (data.packedLength() != config.sequenceLength() + 1) {
            throw new IllegalArgumentException("The training data is packed into sequences of " + data.packedLength()
                    + " tokens but the sequence length is " + config.sequenceLength() + "; read the data with the "
                    + "same sequence length.");
        }
        this.task = task;
        this.data = data;
        this.config = config;
        this.manager = task.trainedModel().manager();
        this.optimizer = new AdamW(config, task.parameters(), manager);
    }

    /**
     * Takes optimizer step {@code step} (from 1): forward and backward passes over each micro-batch, gradient
     * clipping, then the AdamW update. A loss or gradient norm that is not finite stops the step before any weight
     * changes.
     */
    StepOutcome step(int step) throws TrainingException {
        int accumulation = config.gradientAccumulation();
        double learningRate = LearningRateSchedule.at(config, step);
        double loss = 0;
        double crossEntropy = 0;
        double kl = 0;
        double hidden = 0;
        for (int micro = 0; micro < accumulation; micro++) {
            long firstSample = ((long) (step - 1) * accumulation + micro) * config.batchSize();
            int[][] batch = data.trainBatch(firstSample, config.batchSize(), config.seed());
            // Dropout draws from PyTorch's generator, reseeded from (seed, step, micro-batch) so a resumed run
            // draws the same masks as one never interrupted.
            manager.getEngine().setRandomSeed(dropoutSeed(step, micro));
            LossTerms.Values values;
            try (NDScope scope = new NDScope()) {
                int[][] inputs = inputs(batch);
                NDArray targets = targets(batch);
                TrainingTask.Reference reference = task.reference(inputs);
                try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                    LossTerms terms = task.loss(inputs, targets, reference, true);
                    collector.backward(terms.total().div(Scalars.of(manager, accumulation)));
                    values = terms.toHost();
                }
            }
            if (!values.finite()) {
                optimizer.zeroGradients();
                throw new TrainingException(String.format("Step %d: the loss is not a finite number (loss %s, "
                        + "cross-entropy %s%s) at learning rate %.3g.", step, values.total(), values.crossEntropy(),
                        Double.isNaN(values.kl()) ? "" : ", KL " + values.kl(), learningRate));
            }
            loss += values.total() / accumulation;
            crossEntropy += values.crossEntropy() / accumulation;
            kl += values.kl() / accumulation;
            hidden += values.hidden() / accumulation;
        }
        double gradientNorm = optimizer.gradientNorm();
        if (!Double.isFinite(gradientNorm)) {
            List<String> culprits = optimizer.nonFiniteGradients();
            optimizer.zeroGradients();
            throw new TrainingException(String.format("Step %d: the gradient norm is not a finite number (%s) at "
                    + "learning rate %.3g, with loss %.4f; the gradients of %s are not finite.", step, gradientNorm,
                    learningRate, loss, culprits.size() > 3 ? culprits.subList(0, 3) + " and " + (culprits.size() - 3)
                            + " more" : culprits));
        }
        checkCollapse(step, gradientNorm, crossEntropy);
        double maxNorm = config.maxGradNorm();
        // As torch.nn.utils.clip_grad_norm_: scale by max_norm / (norm + 1e-6) when that is below 1.
        double scale = maxNorm > 0 ? Math.min(1.0, maxNorm / (gradientNorm + 1e-6)) : 1.0;
        optimizer.update(learningRate, scale);
        return new StepOutcome(step, loss, crossEntropy, kl, hidden, learningRate, gradientNorm);
    }

    /**
     * Stops a run whose model collapsed, typically after a far too high learning rate: the global gradient norm is
     * exactly zero and the cross-entropy equals ln(V), the loss of a uniform next-token distribution. A healthy run
     * cannot meet both. The cross-entropy's gradient with respect to the logits is softmax minus the one-hot target,
     * which is zero only at zero loss, so a zero gradient at a loss of ln(V) means the logits no longer depend on the
     * trained weights. A distillation with alpha 1 has a zero gradient when the student matches the teacher, but
     * then its cross-entropy is the teacher's, not ln(V). Step 1 is exempt because LoRA's B matrices start at zero.
     */
    private void checkCollapse(int step, double gradientNorm, double crossEntropy) throws ModelCollapsedException {
        double uniformLoss = Math.log(task.trainedModel().config().vocabSize());
        if (step == 1 || gradientNorm != 0 || Math.abs(crossEntropy - uniformLoss) > UNIFORM_TOLERANCE) {
            return;
        }
        optimizer.zeroGradients();
        throw new ModelCollapsedException(String.format("Step %d: the model collapsed to a uniform next-token "
                + "distribution (cross-entropy %.4f = ln %d) and its gradients are all zero, so training cannot "
                + "change it any more; the update of step %d at learning rate %.3g caused it.", step, crossEntropy,
                task.trainedModel().config().vocabSize(), step - 1, LearningRateSchedule.at(config, step - 1)),
                step - 1);
    }

    private int dropoutSeed(int step, int micro) {
        long mixed = config.seed() * 0x9E3779B97F4A7C15L + (long) step * 0xBF58476D1CE4E5B9L + micro;
        mixed ^= mixed >>> 31;
        return (int) (mixed ^ (mixed >>> 32)) & Integer.MAX_VALUE;
    }

    /** Returns the first T tokens of each packed sequence, [B][T]. */
    private static int[][] inputs(int[][] batch) {
        int[][] inputs = new int[batch.length][];
        for (int b = 0; b < batch.length; b++) {
            inputs[b] = java.util.Arrays.copyOf(batch[b], batch[b].length - 1);
        }
        return inputs;
    }

    /** Returns the next-token targets, tokens 1..T of each packed sequence, as [B, T, 1] int64. */
    private NDArray targets(int[][] batch) {
        int count = batch[0].length - 1;
        long[] ids = new long[batch.length * count];
        for (int b = 0; b < batch.length; b++) {
            for (int t = 0; t < count; t++) {
                ids[b * count + t] = batch[b][t + 1];
            }
        }
        return manager.create(ids, new Shape(batch.length, count, 1));
    }

    /** Scores the held-out split without dropout and without a graph. */
    Evaluation evaluate(int step) {
        List<int[][]> batches = data.heldOutBatches(config.batchSize(), config.evalBatches());
        double loss = 0;
        double crossEntropy = 0;
        double kl = 0;
        long rows = 0;
        for (int[][] batch : batches) {
            LossTerms.Values values;
            try (NDScope scope = new NDScope()) {
                int[][] inputs = inputs(batch);
                values = task.loss(inputs, targets(batch), task.reference(inputs), false).toHost();
            }
            loss += values.total() * batch.length;
            crossEntropy += values.crossEntropy() * batch.length;
            kl += values.plainKl() * batch.length;
            rows += batch.length;
        }
        return new Evaluation(step, loss / rows, crossEntropy / rows, kl / rows, rows * config.sequenceLength());
    }

    /** Copies the trainable weights and the optimizer's moments to the host for a checkpoint. */
    RunCheckpoints.State capture(int step) {
        Map<String, float[]> weights = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Map<String, float[]> first = new LinkedHashMap<>();
        Map<String, float[]> second = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> entry : task.parameters().entrySet()) {
            weights.put(entry.getKey(), entry.getValue().toFloatArray());
            shapes.put(entry.getKey(), entry.getValue().getShape().getShape());
            first.put(entry.getKey(), optimizer.firstMoments().get(entry.getKey()).toFloatArray());
            second.put(entry.getKey(), optimizer.secondMoments().get(entry.getKey()).toFloatArray());
        }
        return new RunCheckpoints.State(step, optimizer.step(), weights, shapes, first, second);
    }

    /** Puts a checkpoint's weights and moments back into the arrays being trained. */
    void restore(RunCheckpoints.State state) {
        for (Map.Entry<String, NDArray> entry : task.parameters().entrySet()) {
            AdamW.copyInto(entry.getValue(), state.weights().get(entry.getKey()), entry.getKey());
        }
        optimizer.restore(state.optimizerStep(), state.firstMoments(), state.secondMoments());
    }

    @Override
    public void close() {
        optimizer.close();
    }
}
