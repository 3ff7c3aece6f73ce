package dev.topiary.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.DataType;
import dev.topiary.SharedModels;
import dev.topiary.activations.ActivationAnalysis;
import dev.topiary.activations.CaptureOptions;
import dev.topiary.activations.NeuronMetric;
import dev.topiary.activations.PromptSet;
import dev.topiary.activations.PromptSetCapture;
import dev.topiary.activations.SiteKind;
import dev.topiary.activations.TokenActivations;
import dev.topiary.engine.ComputeDtype;
import dev.topiary.engine.TensorEngine;
import dev.topiary.model.safetensors.TensorDtype;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models loaded in float16 on the CPU against the same models in float32.
 *
 * <p>Tolerance: float16 keeps 11 significant bits, so each rounding is off by at most 2^-11 (about 0.05%) of the
 * value. Weights, activations and matmul outputs are rounded at every layer, and the errors add up over layers
 * and across the hidden size. So the test allows the largest logit difference to be 1% of the float32 logits'
 * range (max minus min over the vocabulary). On the CPU with PyTorch 2.5.1 the measured differences were 0.17%
 * (stories260K), 0.04% (tiny-random-llama) and 0.10% (Gemma 2), so 1% leaves room for other kernels while a
 * wrong cast, a rotary table in the wrong dtype or a norm that overflows in half precision moves logits far more.
 * Since PyTorch's matmul rejects mixed dtypes, a forward pass that succeeds on float16 weights also shows that the
 * activations stay in float16.
 */
class HalfPrecisionTest {

    private static final double MAX_DIFFERENCE_OF_RANGE = 0.01;

    @TempDir
    Path folder;

    private static LanguageModel load(Path path, ComputeDtype dtype) throws ModelFormatException {
        return LanguageModel.load(TensorEngine.get(), path, null, dtype);
    }

    /** Returns the largest absolute difference divided by the range of the reference, over every position. */
    private static double maxDifferenceOfRange(float[][] reference, float[][] other) {
        double worst = 0;
        for (int position = 0; position < reference.length; position++) {
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            double difference = 0;
            for (int i = 0; i < reference[position].length; i++) {
                min = Math.min(min, reference[position][i]);
                max = Math.max(max, reference[position][i]);
                difference = Math.max(difference, Math.abs(reference[position][i] - other[position][i]));
            }
            worst = Math.max(worst, difference / (max - min));
        }
        return worst;
    }

    private static void assertCloseLogits(Path path, int[] tokens) throws ModelFormatException {
        LanguageModel wide = load(path, ComputeDtype.FLOAT32);
        LanguageModel half = load(path, ComputeDtype.FLOAT16);
        try {
            assertEquals(DataType.FLOAT32, wide.dataType());
            assertEquals(DataType.FLOAT16, half.dataType());
            for (var weight : half.transformer().parameters().entrySet()) {
                assertEquals(DataType.FLOAT16, weight.getValue().getDataType(), weight.getKey());
            }
            float[][] expected = ModelRuns.logits(wide, tokens);
            float[][] actual = ModelRuns.logits(half, tokens);
            double difference = maxDifferenceOfRange(expected, actual);
            assertTrue(difference < MAX_DIFFERENCE_OF_RANGE, "max |float16 - float32| is " + difference
                    + " of the logit range");
            int[] prompt = java.util.Arrays.copyOf(tokens, 3);
            assertArrayEquals(ModelRuns.greedyWithCache(wide, prompt, 8), ModelRuns.greedyWithCache(half, prompt, 8));
        } finally {
            ModelRuns.close(wide);
            ModelRuns.close(half);
        }
    }

    @Test
    void stories260KFloat16MatchesFloat32() throws Exception {
        LanguageModel tokenizerSource = load(SharedModels.stories260K(), ComputeDtype.FLOAT32);
        int[] tokens;
        try {
            tokens = tokenizerSource.tokenizer().encode("Once upon a time, Lily found a big red ball in the park");
        } finally {
            ModelRuns.close(tokenizerSource);
        }
        assertCloseLogits(SharedModels.stories260K(), tokens);
    }

    @Test
    void tinyRandomLlamaFloat16MatchesFloat32() throws Exception {
        assertCloseLogits(SharedModels.require("tiny-random-llama"), new int[] {1, 306, 4086, 33, 1200, 17, 9, 31999});
    }

    @Test
    void gemma2Bfloat16FileInFloat16MatchesFloat32() throws Exception {
        // Gemma 2 adds soft-capping, scaled embeddings and sliding-window masks. The file stores bfloat16.
        Path model = TinyHfModel.gemma2().numHiddenLayers(3).numKeyValueHeads(2).headDim(16)
                .slidingWindow(3).softcapping(50, 30).dtype(TensorDtype.BF16).seed(41).write(folder.resolve("gemma2"));
        assertCloseLogits(model, new int[] {3, 1, 4, 1, 5, 9, 2, 6});
    }

    @Test
    void captureInFloat16ReturnsFloatValues() throws Exception {
        LanguageModel wide = load(SharedModels.stories260K(), ComputeDtype.FLOAT32);
        LanguageModel half = load(SharedModels.stories260K(), ComputeDtype.FLOAT16);
        try {
            int[] tokens = wide.tokenizer().encode("The cat sat on the mat");
            float[] expected = neurons(wide, tokens);
            float[] actual = neurons(half, tokens);
            assertEquals(expected.length, actual.length);
            double largest = 0;
            double difference = 0;
            for (int i = 0; i < expected.length; i++) {
                largest = Math.max(largest, Math.abs(expected[i]));
                difference = Math.max(difference, Math.abs(expected[i] - actual[i]));
            }
            assertTrue(difference < MAX_DIFFERENCE_OF_RANGE * largest, "max neuron difference " + difference
                    + " against a largest value of " + largest);
        } finally {
            ModelRuns.close(wide);
            ModelRuns.close(half);
        }
    }

    @Test
    void promptSetCaptureInFloat16MatchesFloat32() throws Exception {
        PromptSet prompts = PromptSet.of("short", java.util.List.of("Once upon a time, there was a dog.", "Hi.",
                "Tom and Sam went to the big shop to buy a red ball."));
        CaptureOptions options = new CaptureOptions(2, 3, 0.1f, 512);
        LanguageModel wide = load(SharedModels.stories260K(), ComputeDtype.FLOAT32);
        LanguageModel half = load(SharedModels.stories260K(), ComputeDtype.FLOAT16);
        try {
            ActivationAnalysis expected = TensorEngine.get().call(manager ->
                    PromptSetCapture.run(wide, prompts, options, (done, total) -> { }, () -> false));
            ActivationAnalysis actual = TensorEngine.get().call(manager ->
                    PromptSetCapture.run(half, prompts, options, (done, total) -> { }, () -> false));

            assertEquals(expected.info().tokens(), actual.info().tokens());
            int layers = half.config().numHiddenLayers();
            for (int layer = 0; layer < layers; layer++) {
                double expectedL2 = expected.meanOverNeurons(NeuronMetric.L2, layer);
                double actualL2 = actual.meanOverNeurons(NeuronMetric.L2, layer);
                assertEquals(expectedL2, actualL2, MAX_DIFFERENCE_OF_RANGE * expectedL2, "mean L2 of layer " + layer);
                assertEquals(expected.layers().residualNorm(layer), actual.layers().residualNorm(layer),
                        MAX_DIFFERENCE_OF_RANGE * expected.layers().residualNorm(layer), "residual norm " + layer);
            }
        } finally {
            ModelRuns.close(wide);
            ModelRuns.close(half);
        }
    }

    /** Returns the last layer's MLP neurons of every position, flattened. */
    private static float[] neurons(LanguageModel model, int[] tokens) {
        int layers = model.config().numHiddenLayers();
        TokenActivations recorder = new TokenActivations(layers, EnumSet.of(SiteKind.MLP_POST));
        TensorEngine.get().call(manager -> {
            try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
                model.transformer().forward(new int[][] {tokens}, null, recorder, false);
            }
            return null;
        });
        int width = recorder.width(SiteKind.MLP_POST);
        float[] flat = new float[tokens.length * width];
        for (int position = 0; position < tokens.length; position++) {
            float[] row = recorder.at(SiteKind.MLP_POST, layers - 1, position);
            System.arraycopy(row, 0, flat, position * width, width);
        }
        return flat;
    }

    @Test
    void readWeightOfFloat16ModelReturnsRoundedFloats() throws Exception {
        LanguageModel half = load(SharedModels.require("tiny-random-llama"), ComputeDtype.FLOAT16);
        try (Checkpoint original = ModelLoader.open(SharedModels.require("tiny-random-llama"), null)) {
            String name = "model.layers.1.mlp.down_proj.weight";
            float[] expected = original.tensors().read(name);
            float[] actual = half.asCheckpoint().tensors().read(name);
            assertEquals(expected.length, actual.length);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], Math.abs(expected[i]) * 1e-3 + 1e-7, "element " + i);
            }
        } finally {
            ModelRuns.close(half);
        }
    }

    @Test
    void autoOnCpuLoadsFloat32() throws Exception {
        TensorEngine engine = TensorEngine.get();
        LanguageModel model = load(SharedModels.stories260K(), ComputeDtype.AUTO);
        try {
            assertEquals(!engine.device().isGpu(), model.dataType() == DataType.FLOAT32);
            assertEquals(DataType.FLOAT32, ComputeDtype.AUTO.resolve(ai.djl.Device.cpu()));
            assertEquals(DataType.FLOAT16, ComputeDtype.AUTO.resolve(ai.djl.Device.gpu()));
        } finally {
            ModelRuns.close(model);
        }
    }

    @Test
    void unknownDtypeListsValidValues() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ComputeDtype.parse("float8", "--dtype"));

        assertTrue(error.getMessage().contains("'float8'"), error.getMessage());
        assertTrue(error.getMessage().contains("--dtype"), error.getMessage());
        assertTrue(error.getMessage().contains("auto, float32 (f32), float16"), error.getMessage());
    }

    @Test
    void bfloat16RequestComputesInFloat16() {
        assertEquals(ComputeDtype.FLOAT16, ComputeDtype.parse("bfloat16", "--dtype"));
        assertEquals(ComputeDtype.FLOAT16, ComputeDtype.parse(" BF16 ", "--dtype"));
        assertEquals(ComputeDtype.FLOAT32, ComputeDtype.parse("F32", "--dtype"));
    }
}
