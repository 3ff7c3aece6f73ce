package dev.topiary.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.topiary.model.LanguageModel;
import dev.topiary.model.Projection;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The gradients the backward pass computes for the distillation and LoRA losses, checked against central finite
 * differences of the loss on the real stories260K model.
 */
class GradientCheckTest {

    private static final float STEP = 1e-2f;

    /** A batch of one held-out sequence: its inputs and next-token targets. */
    private record Batch(int[][] inputs, long[] targets) {}

    private static Batch batch(LanguageModel model) throws Exception {
        TrainingConfig config = TrainingConfig.builder().sequenceLength(24).build();
        int[] sequence = Stories260K.trainingData(model, config).heldOutSequence(0);
        long[] targets = new long[sequence.length - 1];
        for (int t = 0; t < targets.length; t++) {
            targets[t] = sequence[t + 1];
        }
        return new Batch(new int[][] {Arrays.copyOf(sequence, sequence.length - 1)}, targets);
    }

    private static NDArray targets(NDManager manager, Batch batch) {
        return manager.create(batch.targets(), new Shape(1, batch.targets().length, 1));
    }

    /** Returns the loss without a graph, as the forward pass scores it. */
    private static double loss(TrainingTask task, Batch batch) {
        try (NDScope scope = new NDScope()) {
            NDManager manager = task.trainedModel().manager();
            TrainingTask.Reference reference = task.reference(batch.inputs());
            return task.loss(batch.inputs(), targets(manager, batch), reference, false).total().getFloat();
        }
    }

    /** Returns the gradient of the loss with respect to every element of one parameter. */
    private static float[] gradient(TrainingTask task, Batch batch, NDArray parameter) {
        try (NDScope scope = new NDScope()) {
            NDManager manager = task.trainedModel().manager();
            TrainingTask.Reference reference = task.reference(batch.inputs());
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                collector.backward(task.loss(batch.inputs(), targets(manager, batch), reference, true).total());
            }
            float[] values = parameter.getGradient().toFloatArray();
            for (NDArray array : task.parameters().values()) {
                JniUtils.zeroGrad((PtNDArray) array);
            }
            return values;
        }
    }

    /** Returns {@code (L(w + h) - L(w - h)) / 2h} for one element of a parameter, restoring it afterwards. */
    private static double finiteDifference(TrainingTask task, Batch batch, NDArray parameter, int index) {
        float[] values = parameter.toFloatArray();
        float original = values[index];
        values[index] = original + STEP;
        parameter.set(FloatBuffer.wrap(values));
        double plus = loss(task, batch);
        values[index] = original - STEP;
        parameter.set(FloatBuffer.wrap(values));
        double minus = loss(task, batch);
        values[index] = original;
        parameter.set(FloatBuffer.wrap(values));
        return (plus - minus) / (2 * STEP);
    }

    private static void check(TrainingTask task, Batch batch, String name, int... indices) {
        NDArray parameter = task.parameters().get(name);
        float[] analytic = gradient(task, batch, parameter);
        for (int index : indices) {
            double numeric = finiteDifference(task, batch, parameter, index);
            assertEquals(numeric, analytic[index], 0.02 * Math.abs(numeric) + 2e-4, name + "[" + index + "]");
        }
    }

    @Test
    void distillationGradientMatchesFiniteDifferences() throws Exception {
        try (Stories260K models = new Stories260K(); LanguageModel teacher = models.loadOriginal();
                LanguageModel student = models.loadStudent()) {
            Batch batch = batch(teacher);
            DistillationConfig config = new DistillationConfig(2.0, 0.7, 0.5, DistillationConfig.HiddenLoss.COSINE);
            models.engine.call(manager -> {
                try (DistillationTask task = new DistillationTask(teacher, student, config)) {
                    check(task, batch, "model.norm.weight", 3, 17, 40);
                    check(task, batch, "model.layers.1.mlp.down_proj.weight", 5, 900, 5000);
                    check(task, batch, "model.layers.0.self_attn.qkv_proj.weight", 10, 4200, 7000);
                }
                return null;
            });
        }
    }

    @Test
    void loraGradientMatchesFiniteDifferences() throws Exception {
        try (Stories260K models = new Stories260K(); LanguageModel base = models.loadOriginal()) {
            Batch batch = batch(base);
            LoraConfig config = new LoraConfig(2, 4, 0, List.of(Projection.V_PROJ, Projection.GATE_PROJ));
            models.engine.call(manager -> {
                try (LoraTask task = new LoraTask(models.engine, base, config, 3, false)) {
                    // B starts at zero, which leaves A without a gradient; give B values so both are checked.
                    Random random = new Random(5);
                    for (var entry : task.parameters().entrySet()) {
                        if (entry.getKey().contains("lora_B")) {
                            float[] values = new float[Math.toIntExact(entry.getValue().size())];
                            for (int i = 0; i < values.length; i++) {
                                values[i] = (float) (random.nextGaussian() * 0.1);
                            }
                            entry.getValue().set(FloatBuffer.wrap(values));
                        }
                    }
                    check(task, batch, LoraAdapter.downName(2, Projection.V_PROJ), 0, 50, 100);
                    check(task, batch, LoraAdapter.upName(2, Projection.V_PROJ), 1, 30, 60);
                    check(task, batch, LoraAdapter.downName(4, Projection.GATE_PROJ), 7, 77);
                    check(task, batch, LoraAdapter.upName(0, Projection.GATE_PROJ), 11, 300);
                }
                return null;
            });
        }
    }
}
