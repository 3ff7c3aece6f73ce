package dev.topiary.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDScope;
import dev.topiary.SharedModels;
import dev.topiary.activations.ActivationRecorder;
import dev.topiary.activations.PromptSet;
import dev.topiary.activations.PromptSetException;
import dev.topiary.engine.TensorEngine;
import dev.topiary.model.Checkpoint;
import dev.topiary.model.LanguageModel;
import dev.topiary.model.ModelLoader;
import dev.topiary.pruning.NeuronScoreMethod;
import dev.topiary.pruning.NeuronScores;
import dev.topiary.pruning.PrunePlan;
import dev.topiary.pruning.Pruner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Text metrics and multiple-choice scoring on stories260K, checked against independent computations. */
class EvaluationTest {

    private static final TensorEngine engine = TensorEngine.get();
    private static Checkpoint checkpoint;
    private static LanguageModel model;
    private static PromptSet stories;

    @BeforeAll
    static void load() throws Exception {
        checkpoint = ModelLoader.open(SharedModels.stories260K(), null);
        model = LanguageModel.load(engine, checkpoint);
        stories = PromptSet.read(Path.of("sample-prompts/stories.txt"));
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
        if (checkpoint != null) {
            checkpoint.close();
        }
    }

    private static TextMetrics score(LanguageModel scored, LanguageModel reference, PromptSet texts, int window,
            int stride, int batch) {
        return engine.call(manager -> TextScorer.score(scored, reference, texts, window, stride, batch,
                (done, total) -> { }, () -> false));
    }

    @Test
    void perplexityIsExpOfMeanCrossEntropy() {
        // Independent computation: one full forward per text, softmax in double, -log p of each next token.
        double total = 0;
        long tokens = 0;
        for (var text : stories.prompts()) {
            int[] ids = model.tokenizer().encode(text.text());
            float[] logits = engine.call(manager -> {
                try (NDScope scope = new NDScope()) {
                    return model.transformer().forward(new int[][] {ids}, null, ActivationRecorder.NONE, false)
                            .toFloatArray();
                }
            });
            for (int t = 0; t + 1 < ids.length; t++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int v = 0; v < 512; v++) {
                    max = Math.max(max, logits[t * 512 + v]);
                }
                double sum = 0;
                for (int v = 0; v < 512; v++) {
                    sum += Math.exp(logits[t * 512 + v] - max);
                }
                total += -(logits[t * 512 + ids[t + 1]] - max - Math.log(sum));
                tokens++;
            }
        }

        TextMetrics metrics = score(model, null, stories, 512, 256, 4);

        assertEquals(tokens, metrics.tokens());
        assertEquals(total / tokens, metrics.meanCrossEntropy(), 1e-5);
        assertEquals(Math.exp(total / tokens), metrics.perplexity(), 1e-4);
    }

    @Test
    void strideWindowsMatchOneWindowWhenTextFits() {
        PromptSet longText = PromptSet.of("long", List.of(String.join(" ", stories.prompts().stream()
                .limit(6).map(prompt -> prompt.text()).toList())));

        TextMetrics whole = score(model, null, longText, 512, 256, 1);
        TextMetrics windowed = score(model, null, longText, 24, 16, 3);
        TextMetrics narrow = score(model, null, longText, 24, 1, 8);

        assertEquals(whole.tokens(), windowed.tokens(), "every token scored once");
        assertEquals(whole.tokens(), narrow.tokens());
        assertTrue(windowed.meanCrossEntropy() > whole.meanCrossEntropy() - 0.5,
                "shorter contexts cannot help much: " + whole.meanCrossEntropy() + " vs " + windowed.meanCrossEntropy());
        TextMetrics fits = score(model, null, longText, 200, 100, 1);
        assertEquals(whole.meanCrossEntropy(), fits.meanCrossEntropy(), 1e-6);
    }

    @Test
    void modelAgainstItselfHasZeroKl() {
        TextMetrics metrics = score(model, model, stories, 512, 256, 4);

        assertEquals(0, metrics.meanKl(), 1e-6);
        assertEquals(1.0, metrics.topOneAgreement(), 1e-12);
    }

    @Test
    void halfPrunedModelHasHigherPerplexity() throws Exception {
        float[][] scores = NeuronScores.compute(NeuronScoreMethod.L2, checkpoint.config(), checkpoint.tensors(), null);
        try (LanguageModel pruned = LanguageModel.load(engine, Pruner.prune(checkpoint,
                PrunePlan.keepTopNeurons(scores, 86)))) {
            TextMetrics original = score(model, null, stories, 512, 256, 4);
            TextMetrics half = score(pruned, model, stories, 512, 256, 4);

            assertTrue(half.perplexity() > original.perplexity(), original.perplexity() + " -> " + half.perplexity());
            assertTrue(half.meanKl() > 0);
            assertTrue(half.topOneAgreement() < 1);
        }
    }

    @Test
    void storyEndingsAboveChance() throws Exception {
        ChoiceTask task = ChoiceTask.read(Path.of("sample-prompts/tasks/story-endings.jsonl"));

        ChoiceScorer.Result result = engine.call(manager -> ChoiceScorer.score(model, task, (done, total) -> { },
                () -> false));

        assertEquals(task.items().size(), result.items());
        assertEquals(0.25, result.chance(), 1e-9);
        assertTrue(result.accuracy() > 0.5, "accuracy " + result.accuracy());
    }

    @Test
    void taskLineWithoutGoldIsRejected(@TempDir Path temp) throws Exception {
        Path file = temp.resolve("task.jsonl");
        Files.writeString(file, "{\"context\": \"A\", \"choices\": [\" b\", \" c\"]}\n");

        PromptSetException error = assertThrows(PromptSetException.class, () -> ChoiceTask.read(file));

        assertTrue(error.getMessage().contains("line 1 has no gold index"), error.getMessage());
    }

    @Test
    void emptyDataIsRejected() {
        PromptSet empty = PromptSet.of("empty", List.of("", ""));

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> score(model, null, empty, 512, 256, 4));

        assertTrue(error.getMessage().contains("no text of two or more tokens"), error.getMessage());
    }
}
