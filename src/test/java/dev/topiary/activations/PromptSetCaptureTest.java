package dev.topiary.activations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDScope;
import dev.topiary.SharedModels;
import dev.topiary.engine.TensorEngine;
import dev.topiary.model.LanguageModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Capture over a prompt set on the real stories260K model, checked against raw per-token activations. */
class PromptSetCaptureTest {

    /** Prompts of very different lengths, so that batches carry a lot of padding. */
    private static final PromptSet PROMPTS = PromptSet.of("mixed", List.of(
            "Once upon a time, there was a little girl named Lily who loved to play in the park with her dog.",
            "Hi.",
            "The sun was hot.",
            "Tom and Sam went to the big shop to buy a red ball and some sweet cake for mom.",
            "A cat.",
            "She was happy."));

    private static final TensorEngine engine = TensorEngine.get();
    private static LanguageModel model;

    @BeforeAll
    static void load() throws Exception {
        model = LanguageModel.load(engine, SharedModels.stories260K(), null);
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    private static ActivationAnalysis capture(int batchSize) {
        CaptureOptions options = new CaptureOptions(batchSize, 5, 0.1f, 512);
        return engine.call(manager -> PromptSetCapture.run(model, PROMPTS, options, (done, total) -> { }, () -> false));
    }

    /** Raw activations of one prompt, one forward pass of batch 1 with every site recorded. */
    private static TokenActivations raw(String text) {
        int[] ids = model.tokenizer().encode(text);
        TokenActivations activations = new TokenActivations(5, EnumSet.allOf(SiteKind.class));
        engine.call(manager -> {
            try (NDScope scope = new NDScope()) {
                return model.transformer().forward(new int[][] {ids}, null, activations, true).toFloatArray();
            }
        });
        return activations;
    }

    @Test
    void batchedCaptureEqualsOneAtATime() {
        ActivationAnalysis single = capture(1);
        ActivationAnalysis batched = capture(4);

        assertEquals(single.info().tokens(), batched.info().tokens());
        for (NeuronMetric metric : NeuronMetric.values()) {
            for (int layer = 0; layer < 5; layer++) {
                for (int neuron = 0; neuron < 172; neuron++) {
                    double expected = single.neurons().value(metric, layer, neuron);
                    assertEquals(expected, batched.neurons().value(metric, layer, neuron), 1e-4 * (1 + Math.abs(expected)),
                            metric + " of layer " + layer + " neuron " + neuron);
                }
            }
        }
        for (int layer = 0; layer < 5; layer++) {
            assertEquals(single.layers().residualNorm(layer), batched.layers().residualNorm(layer), 1e-4);
            assertEquals(single.layers().inputOutputCosine(layer), batched.layers().inputOutputCosine(layer), 1e-5);
            for (int neuron = 0; neuron < 172; neuron += 17) {
                List<TopExample> expected = single.topExamples().of(layer, neuron);
                List<TopExample> actual = batched.topExamples().of(layer, neuron);
                assertEquals(expected.size(), actual.size());
                assertEquals(expected.get(0).promptIndex(), actual.get(0).promptIndex());
                assertEquals(expected.get(0).position(), actual.get(0).position());
                assertEquals(expected.get(0).value(), actual.get(0).value(), 1e-4);
            }
        }
    }

    @Test
    void statisticsMatchDirectComputation() {
        ActivationAnalysis analysis = capture(3);

        // Gather every raw activation of every token, then compute each statistic directly.
        List<TokenActivations> raws = new ArrayList<>();
        long tokens = 0;
        for (Prompt prompt : PROMPTS.prompts()) {
            TokenActivations activations = raw(prompt.text());
            raws.add(activations);
            tokens += activations.tokens(SiteKind.MLP_POST);
        }
        assertEquals(tokens, analysis.info().tokens());

        for (int layer = 0; layer < 5; layer++) {
            for (int neuron = 0; neuron < 172; neuron++) {
                double sum = 0;
                double sumAbs = 0;
                double sumSquares = 0;
                double max = Double.NEGATIVE_INFINITY;
                long active = 0;
                for (TokenActivations activations : raws) {
                    for (int t = 0; t < activations.tokens(SiteKind.MLP_POST); t++) {
                        double a = activations.at(SiteKind.MLP_POST, layer, t)[neuron];
                        sum += a;
                        sumAbs += Math.abs(a);
                        sumSquares += a * a;
                        max = Math.max(max, a);
                        active += a > 0.1 ? 1 : 0;
                    }
                }
                double mean = sum / tokens;
                NeuronStatistics stats = analysis.neurons();
                assertEquals(mean, stats.value(NeuronMetric.MEAN, layer, neuron), 1e-5);
                assertEquals(sumAbs / tokens, stats.value(NeuronMetric.MEAN_ABS, layer, neuron), 1e-5);
                assertEquals(Math.sqrt(sumSquares / tokens - mean * mean), stats.value(NeuronMetric.STD, layer, neuron),
                        1e-4);
                assertEquals(max, stats.value(NeuronMetric.MAX, layer, neuron), 1e-5);
                assertEquals((double) active / tokens, stats.value(NeuronMetric.FRACTION_ACTIVE, layer, neuron), 1e-9);
                assertEquals(Math.sqrt(sumSquares), stats.value(NeuronMetric.L2, layer, neuron),
                        1e-5 * (1 + Math.sqrt(sumSquares)));
            }

            // Residual stream: mean norm of the output, mean cosine between input and output.
            double normSum = 0;
            double cosineSum = 0;
            for (TokenActivations activations : raws) {
                for (int t = 0; t < activations.tokens(SiteKind.RESID_POST); t++) {
                    float[] in = activations.at(SiteKind.RESID_PRE, layer, t);
                    float[] out = activations.at(SiteKind.RESID_POST, layer, t);
                    normSum += norm(out);
                    cosineSum += dot(in, out) / (norm(in) * norm(out));
                }
            }
            assertEquals(normSum / tokens, analysis.layers().residualNorm(layer), 1e-4);
            assertEquals(cosineSum / tokens, analysis.layers().inputOutputCosine(layer), 1e-5);
        }
    }

    @Test
    void topExamplesAreLargestActivations() {
        ActivationAnalysis analysis = capture(2);
        int layer = 2;
        int neuron = 40;

        List<Float> all = new ArrayList<>();
        for (Prompt prompt : PROMPTS.prompts()) {
            TokenActivations activations = raw(prompt.text());
            for (int t = 0; t < activations.tokens(SiteKind.MLP_POST); t++) {
                all.add(activations.at(SiteKind.MLP_POST, layer, t)[neuron]);
            }
        }
        all.sort((a, b) -> Float.compare(b, a));

        List<TopExample> top = analysis.topExamples().of(layer, neuron);
        assertEquals(5, top.size());
        for (int rank = 0; rank < 5; rank++) {
            assertEquals(all.get(rank), top.get(rank).value(), 1e-5, "rank " + rank);
            assertTrue(top.get(rank).context().contains("[[" + top.get(rank).token() + "]]"), top.get(rank).context());
        }
    }

    @Test
    void cancelledCaptureIsPartial() {
        CaptureOptions options = new CaptureOptions(2, 3, 0f, 512);
        int[] batches = {0};

        ActivationAnalysis analysis = engine.call(manager -> PromptSetCapture.run(model, PROMPTS, options,
                (done, total) -> batches[0]++, () -> batches[0] >= 1));

        assertTrue(analysis.info().partial());
        assertEquals(2, analysis.info().promptsDone());
    }

    @Test
    void savedAnalysisLoadsBack(@TempDir Path temp) throws Exception {
        ActivationAnalysis analysis = capture(4);
        Path folder = analysis.save(temp.resolve("analysis"));

        ActivationAnalysis loaded = ActivationAnalysis.load(folder);

        assertEquals(analysis.info(), loaded.info());
        for (NeuronMetric metric : NeuronMetric.values()) {
            for (int layer = 0; layer < 5; layer++) {
                for (int neuron = 0; neuron < 172; neuron++) {
                    double expected = analysis.neurons().value(metric, layer, neuron);
                    assertEquals(expected, loaded.neurons().value(metric, layer, neuron), 1e-9 * (1 + Math.abs(expected)));
                }
            }
        }
        for (int layer = 0; layer < 5; layer++) {
            assertEquals(analysis.layers().inputOutputCosine(layer), loaded.layers().inputOutputCosine(layer), 1e-12);
            assertEquals(analysis.topExamples().of(layer, 7), loaded.topExamples().of(layer, 7));
        }
        assertFalse(loaded.info().partial());
    }

    @Test
    void damagedAnalysisFolderGivesIoError(@TempDir Path temp) throws Exception {
        Path folder = capture(4).save(temp.resolve("analysis"));
        java.nio.file.Files.writeString(folder.resolve("neurons.csv"), "layer,neuron,mean\n0,zero,abc\n");

        java.io.IOException error = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> ActivationAnalysis.load(folder));

        assertTrue(error.getMessage().contains(folder.toString()), error.getMessage());
    }

    @Test
    void neuronValuesCoverEveryToken() {
        ActivationAnalysis analysis = capture(4);

        float[] values = engine.call(manager -> NeuronValues.collect(model, PROMPTS, 1, 3, 100, 4, () -> false));

        assertEquals(analysis.info().tokens(), values.length);
        double max = Double.NEGATIVE_INFINITY;
        for (float value : values) {
            max = Math.max(max, value);
        }
        assertEquals(analysis.neurons().value(NeuronMetric.MAX, 1, 3), max, 1e-5);
    }

    private static double dot(float[] a, float[] b) {
        double total = 0;
        for (int i = 0; i < a.length; i++) {
            total += (double) a[i] * b[i];
        }
        return total;
    }

    private static double norm(float[] a) {
        return Math.sqrt(dot(a, a));
    }
}
