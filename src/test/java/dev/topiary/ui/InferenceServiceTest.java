package dev.topiary.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.SharedModels;
import dev.topiary.activations.ActivationAnalysis;
import dev.topiary.activations.CaptureOptions;
import dev.topiary.activations.NeuronMetric;
import dev.topiary.activations.PromptSet;
import dev.topiary.activations.SiteKind;
import dev.topiary.activations.TokenActivations;
import dev.topiary.engine.OfflineMode;
import dev.topiary.engine.TensorEngine;
import dev.topiary.model.GenerationOptions;
import dev.topiary.model.Generator;
import dev.topiary.model.ModelFormatException;
import dev.topiary.ui.activations.MlpActivations;
import dev.topiary.ui.activations.PromptRun;
import dev.topiary.ui.analysis.NeuronSample;
import dev.topiary.ui.analysis.PromptTokens;
import dev.topiary.ui.selection.NeuronId;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Runs the window's engine calls against the real stories260K model. */
class InferenceServiceTest {

    private static final InferenceService inference = new InferenceService();
    private static LoadedModel model;

    @BeforeAll
    static void load() throws ModelFormatException {
        OfflineMode.enable();
        model = inference.load(SharedModels.stories260K());
    }

    @AfterAll
    static void close() {
        if (model != null) {
            inference.close(model);
        }
    }

    @Test
    void summaryDescribesStories260K() {
        ModelSummary summary = model.summary();

        assertEquals("stories260K", summary.name());
        assertEquals(5, summary.numHiddenLayers());
        assertEquals(64, summary.hiddenSize());
        assertEquals(172, summary.intermediateSize());
        assertEquals(8, summary.numAttentionHeads());
        assertEquals(4, summary.numKeyValueHeads());
        assertEquals(512, summary.vocabSize());
        assertTrue(summary.hasTokenizer());
    }

    @Test
    void runRecordsEveryPositionFedToModel() {
        int[] promptTokens = model.model().tokenizer().encode("Once upon a time");

        PromptRun run = inference.run(model, "Once upon a time", GenerationOptions.greedy(12), done -> {}, () -> false);

        // Twelve tokens without an end token: the last one is run once more so that it has activations too.
        assertEquals(promptTokens.length, run.promptLength());
        assertEquals(12, run.generatedTokens());
        assertFalse(run.stoppedAtEndToken());
        assertEquals(promptTokens.length + 12, run.activations().positions());
        assertEquals(run.activations().positions(), run.tokenTexts().size());
        assertEquals(5, run.activations().layers());
        assertEquals(172, run.activations().neurons());
        assertFalse(run.continuation().isBlank());
        assertEquals(model.model().tokenizer().tokenText(promptTokens[1]), run.tokenTexts().get(1));
    }

    @Test
    void activationsMatchRecorderUsedDirectly() {
        int[] promptTokens = model.model().tokenizer().encode("Once upon a time");
        GenerationOptions options = GenerationOptions.greedy(6);
        TensorEngine engine = TensorEngine.get();
        TokenActivations direct = engine.call(manager -> {
            TokenActivations recorder = new TokenActivations(5, EnumSet.of(SiteKind.MLP_POST));
            Generator.generate(model.model(), promptTokens, options, recorder, () -> false);
            return recorder;
        });

        MlpActivations fromService = inference.run(model, "Once upon a time", options, done -> {}, () -> false)
                .activations();

        assertEquals(direct.tokens(SiteKind.MLP_POST), fromService.positions());
        for (int layer = 0; layer < 5; layer++) {
            for (int position = 0; position < fromService.positions(); position++) {
                float[] expected = direct.at(SiteKind.MLP_POST, layer, position);
                float[] actual = new float[fromService.neurons()];
                for (int neuron = 0; neuron < actual.length; neuron++) {
                    actual[neuron] = fromService.value(layer, position, neuron);
                }
                assertArrayEquals(expected, actual, "layer " + layer + ", position " + position);
            }
        }
    }

    @Test
    void progressCountsGeneratedTokens() {
        List<Integer> reported = new ArrayList<>();

        PromptRun run = inference.run(model, "Once upon a time", GenerationOptions.greedy(8), reported::add,
                () -> false);

        assertEquals(0, reported.get(0));
        assertEquals(run.generatedTokens(), reported.get(reported.size() - 1));
        for (int i = 1; i < reported.size(); i++) {
            assertEquals(reported.get(i - 1) + 1, reported.get(i), "reports " + reported);
        }
    }

    @Test
    void cancellingStopsBetweenTokens() {
        int[] done = {0};

        PromptRun run = inference.run(model, "Once upon a time", GenerationOptions.greedy(100), count -> done[0] = count,
                () -> done[0] >= 3);

        assertEquals(3, run.generatedTokens());
    }

    @Test
    void rejectsPromptLongerThanContext() {
        String longPrompt = "Once upon a time ".repeat(400);

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> inference.run(model, longPrompt, GenerationOptions.greedy(4), done -> {}, () -> false));

        assertTrue(error.getMessage().contains("reads at most 512"), error.getMessage());
    }

    @Test
    void captureMaxMatchesPerTokenActivations() {
        List<String> texts = List.of("Once upon a time, there was a cat.", "The dog ran to the park.",
                "Lily was happy.");
        ActivationAnalysis analysis = inference.capture(model, PromptSet.of("three", texts),
                new CaptureOptions(2, 5, 0f, 512), (done, total) -> {}, () -> false);

        // Each prompt run alone, through generation with the KV cache, is an independent path to the same values.
        List<PromptTokens> prompts = new ArrayList<>();
        long tokens = 0;
        for (int index = 0; index < texts.size(); index++) {
            PromptTokens one = inference.promptTokens(model, index, texts.get(index));
            assertEquals(model.model().tokenizer().encode(texts.get(index)).length, one.tokenTexts().size());
            prompts.add(one);
            tokens += one.tokenTexts().size();
        }
        assertEquals(3, analysis.info().promptsDone());
        assertEquals(tokens, analysis.info().tokens());
        for (int layer = 0; layer < 5; layer++) {
            for (int neuron = 0; neuron < 172; neuron += 19) {
                float max = Float.NEGATIVE_INFINITY;
                for (PromptTokens one : prompts) {
                    for (int position = 0; position < one.tokenTexts().size(); position++) {
                        max = Math.max(max, one.activations().value(layer, position, neuron));
                    }
                }
                String where = "layer " + layer + ", neuron " + neuron;
                assertEquals(max, analysis.neurons().value(NeuronMetric.MAX, layer, neuron), 1e-4, where);
                assertEquals(max, analysis.topExamples().of(layer, neuron).get(0).value(), 1e-4, where);
            }
        }
    }

    @Test
    void cancelledCaptureKeepsFinishedBatches() {
        PromptSet prompts = PromptSet.of("five", List.of("One.", "Two cats.", "Three dogs.", "Four.", "Five."));
        List<Integer> reported = new ArrayList<>();

        ActivationAnalysis analysis = inference.capture(model, prompts, new CaptureOptions(2, 3, 0f, 512),
                (done, total) -> reported.add(done), () -> !reported.isEmpty());

        assertEquals(List.of(2), reported);
        assertEquals(2, analysis.info().promptsDone());
        assertEquals(5, analysis.info().promptCount());
        assertTrue(analysis.info().partial());
    }

    @Test
    void neuronSampleMatchesPromptTokens() {
        List<String> texts = List.of("Once upon a time", "The sun was shining and the birds were singing.");
        PromptSet prompts = PromptSet.of("two", texts);

        NeuronSample sample = inference.sampleNeuron(model, prompts, new NeuronId(2, 17), 200, 8, () -> false);

        List<Float> expected = new ArrayList<>();
        for (int index = 0; index < texts.size(); index++) {
            PromptTokens one = inference.promptTokens(model, index, texts.get(index));
            for (int position = 0; position < one.tokenTexts().size(); position++) {
                expected.add(one.activations().value(2, position, 17));
            }
        }
        assertEquals(2, sample.prompts());
        assertEquals(expected.size(), sample.values().length);
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), sample.values()[i], 1e-4, "token " + i);
        }
        assertTrue(sample.norms().gate() > 0);
        assertTrue(sample.norms().up() > 0);
        assertTrue(sample.norms().down() > 0);
    }

    @Test
    void neuronSampleWithoutPromptsHasNormsOnly() {
        NeuronSample sample = inference.sampleNeuron(model, null, new NeuronId(0, 0), 200, 8, () -> false);

        assertNull(sample.values());
        assertTrue(sample.norms().gate() > 0);
    }
}
