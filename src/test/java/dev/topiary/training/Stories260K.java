package dev.topiary.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.jni.JniUtils;
import dev.topiary.SharedModels;
import dev.topiary.activations.ActivationRecorder;
import dev.topiary.engine.TensorEngine;
import dev.topiary.model.Checkpoint;
import dev.topiary.model.LanguageModel;
import dev.topiary.model.ModelLoader;
import dev.topiary.pruning.NeuronScoreMethod;
import dev.topiary.pruning.NeuronScores;
import dev.topiary.pruning.PrunePlan;
import dev.topiary.pruning.Pruner;
import java.nio.file.Path;

/** The real stories260K model as teacher and LoRA base, and a student with 30% of its MLP neurons pruned. */
final class Stories260K implements AutoCloseable {

    /** 120 of 172 neurons per layer: 30% removed. */
    static final int KEPT_NEURONS = 120;
    static final Path TRAIN_TEXT = Path.of("sample-prompts/train-stories.txt");
    static final Path OTHER_TEXT = Path.of("sample-prompts/stories.txt");

    final TensorEngine engine = TensorEngine.get();
    final Checkpoint checkpoint;
    final PrunePlan plan;
    private final int previousThreads;

    /**
     * Opens the model and runs the engine thread's PyTorch operations on one thread until {@link #close}. This
     * model's operations are too small to gain from a second thread, and on a shared 2-core machine a second
     * thread waiting for a core made some training steps 50 times slower.
     */
    Stories260K() throws Exception {
        previousThreads = engine.call(manager -> {
            int threads = JniUtils.getNumThreads();
            JniUtils.setNumThreads(1);
            return threads;
        });
        checkpoint = ModelLoader.open(SharedModels.stories260K(), null);
        float[][] scores = NeuronScores.compute(NeuronScoreMethod.PPM, checkpoint.config(), checkpoint.tensors(), null);
        plan = PrunePlan.keepTopNeurons(scores, KEPT_NEURONS);
    }

    /** Loads a fresh copy of the original model. */
    LanguageModel loadOriginal() throws Exception {
        return LanguageModel.load(engine, checkpoint);
    }

    /** Loads a fresh copy of the pruned student; each copy starts from the same pruned weights. */
    LanguageModel loadStudent() throws Exception {
        return LanguageModel.load(engine, Pruner.prune(checkpoint, plan));
    }

    /** Reads the training text for a model. */
    static TrainingData trainingData(LanguageModel model, TrainingConfig config) throws Exception {
        return TrainingData.read(TRAIN_TEXT, model.tokenizer(), model.config(), config.sequenceLength(),
                config.heldOutFraction());
    }

    /** Returns the logits [B, T, V] of a forward pass, flattened. */
    static float[] logits(LanguageModel model, int[][] tokens) {
        return TensorEngine.get().call(manager -> {
            try (NDScope scope = new NDScope()) {
                return model.transformer().forward(tokens, null, ActivationRecorder.NONE, false).toFloatArray();
            }
        });
    }

    /** Returns the largest absolute difference of two arrays of the same length. */
    static float maxDifference(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    @Override
    public void close() {
        engine.call(manager -> {
            JniUtils.setNumThreads(previousThreads);
            return null;
        });
        checkpoint.close();
    }
}
