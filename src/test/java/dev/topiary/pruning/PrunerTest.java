package dev.topiary.pruning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDScope;
import dev.topiary.SharedModels;
import dev.topiary.activations.ActivationRecorder;
import dev.topiary.engine.TensorEngine;
import dev.topiary.model.Ablation;
import dev.topiary.model.Checkpoint;
import dev.topiary.model.GenerationOptions;
import dev.topiary.model.GenerationResult;
import dev.topiary.model.Generator;
import dev.topiary.model.LanguageModel;
import dev.topiary.model.ModelLoader;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Pruning stories260K: the sliced model must compute what the masked original computes. */
class PrunerTest {

    private static final TensorEngine engine = TensorEngine.get();
    private static Checkpoint checkpoint;
    private static LanguageModel original;

    @BeforeAll
    static void load() throws Exception {
        checkpoint = ModelLoader.open(SharedModels.stories260K(), null);
        original = LanguageModel.load(engine, checkpoint);
    }

    @AfterAll
    static void close() {
        if (original != null) {
            original.close();
        }
        if (checkpoint != null) {
            checkpoint.close();
        }
    }

    private static float[] logits(LanguageModel model, int[] tokens) {
        return engine.call(manager -> {
            try (NDScope scope = new NDScope()) {
                return model.transformer().forward(new int[][] {tokens}, null, ActivationRecorder.NONE, false)
                        .toFloatArray();
            }
        });
    }

    private static float[] ablatedLogits(Ablation ablation, int[] tokens) {
        engine.call(manager -> {
            original.transformer().setAblation(ablation);
            return null;
        });
        try {
            return logits(original, tokens);
        } finally {
            engine.call(manager -> {
                original.transformer().setAblation(Ablation.none(5));
                return null;
            });
        }
    }

    private static void assertClose(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-4, "logit " + i);
        }
    }

    @Test
    void slicedModelEqualsMaskedOriginal() throws Exception {
        float[][] scores = NeuronScores.compute(NeuronScoreMethod.PPM, checkpoint.config(), checkpoint.tensors(), null);
        PrunePlan plan = PrunePlan.keepTopNeurons(scores, 100);
        int[] tokens = original.tokenizer().encode("Once upon a time, there was a big dog.");

        try (LanguageModel pruned = LanguageModel.load(engine, Pruner.prune(checkpoint, plan))) {
            assertEquals(100, pruned.config().intermediateSize());
            assertClose(ablatedLogits(plan.ablation(checkpoint.config()), tokens), logits(pruned, tokens));
        }
    }

    @Test
    void depthPruningEqualsSkippingLayers() throws Exception {
        PrunePlan plan = PrunePlan.identity(checkpoint.config()).withRemovedLayers(Set.of(1, 3));
        int[] tokens = original.tokenizer().encode("Lily saw a bird.");

        try (LanguageModel pruned = LanguageModel.load(engine, Pruner.prune(checkpoint, plan))) {
            assertEquals(3, pruned.config().numHiddenLayers());
            assertArrayEquals(new int[] {0, 2, 4}, plan.keptLayers());
            assertClose(ablatedLogits(plan.ablation(checkpoint.config()), tokens), logits(pruned, tokens));
        }
    }

    @Test
    void widthAndDepthTogetherStillGenerate() throws Exception {
        float[][] scores = NeuronScores.compute(NeuronScoreMethod.L2, checkpoint.config(), checkpoint.tensors(), null);
        PrunePlan plan = PrunePlan.keepTopNeurons(scores, 128).withRemovedLayers(Set.of(2));
        int[] prompt = original.tokenizer().encode("Once upon a time");

        try (LanguageModel pruned = LanguageModel.load(engine, Pruner.prune(checkpoint, plan))) {
            GenerationResult result = engine.call(manager -> Generator.generate(pruned, prompt,
                    GenerationOptions.greedy(20), ActivationRecorder.NONE, () -> false));
            assertEquals(20, result.generatedTokens().length);
            assertFalse(result.text().isBlank());
            assertTrue(pruned.config().parameterCount() < original.config().parameterCount());
        }
    }

    @Test
    void emptyAblationLeavesLogitsBitIdentical() {
        int[] tokens = original.tokenizer().encode("The cat sat.");

        assertArrayEquals(logits(original, tokens), ablatedLogits(Ablation.none(5), tokens));
    }

    @Test
    void previewComparesAndRestoresModel() throws Exception {
        float[][] scores = NeuronScores.compute(NeuronScoreMethod.PPM, checkpoint.config(), checkpoint.tensors(), null);
        PrunePlan plan = PrunePlan.keepTopNeurons(scores, 64).withRemovedLayers(Set.of(3));
        int[] tokens = original.tokenizer().encode("The cat sat.");
        float[] before = logits(original, tokens);
        dev.topiary.activations.PromptSet heldOut = dev.topiary.activations.PromptSet.of("held-out",
                java.util.List.of("Once upon a time, there was a little girl named Lily.", "The dog ran to the park."));

        PrunePreview.Result result = engine.call(manager -> PrunePreview.compare(original, plan,
                java.util.List.of("Once upon a time", "Tom had a"), heldOut, 15, () -> false));

        assertEquals(2, result.generations().size());
        assertTrue(result.perplexityAfter() > result.perplexityBefore(),
                result.perplexityBefore() + " -> " + result.perplexityAfter());
        assertEquals(original.config().parameterCount(), result.parametersBefore());
        assertTrue(result.parametersAfter() < result.parametersBefore());
        assertFalse(result.generations().get(0).original().equals(result.generations().get(0).pruned()));
        assertArrayEquals(before, logits(original, tokens), "the ablation is removed afterwards");
    }

    @Test
    void removingEveryLayerIsRejected() {
        PrunePlan plan = PrunePlan.identity(checkpoint.config());

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> plan.withRemovedLayers(Set.of(0, 1, 2, 3, 4)));

        assertTrue(error.getMessage().contains("keep at least one layer"), error.getMessage());
    }
}
