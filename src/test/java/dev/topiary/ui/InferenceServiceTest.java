package dev.topiary.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.SharedModels;
import dev.topiary.activations.SiteKind;
import dev.topiary.activations.TokenActivations;
import dev.topiary.engine.OfflineMode;
import dev.topiary.engine.TensorEngine;
import dev.topiary.model.GenerationOptions;
import dev.topiary.model.Generator;
import dev.topiary.model.ModelFormatException;
import dev.topiary.ui.activations.MlpActivations;
import dev.topiary.ui.activations.PromptRun;
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
}
