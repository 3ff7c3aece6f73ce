package dev.topiary.model;

import static dev.topiary.model.LogitAssertions.assertCachedDecodeMatches;
import static dev.topiary.model.LogitAssertions.assertLogitsClose;
import static dev.topiary.model.LogitAssertions.maxDifference;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDScope;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.topiary.activations.SiteKind;
import dev.topiary.activations.TokenActivations;
import dev.topiary.engine.TensorEngine;
import dev.topiary.export.HfFolderWriter;
import dev.topiary.model.safetensors.RawSafetensors;
import dev.topiary.model.safetensors.SafetensorsFile;
import dev.topiary.pruning.PrunePlan;
import dev.topiary.pruning.Pruner;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Loads tiny random Gemma, Gemma 2, Qwen3 and Phi-3 folders through {@link LanguageModel#load} and compares
 * logits, activation sites, ablations and KV-cache decoding with {@link ReferenceLlama} built from the same
 * settings, not from the config.json the loader reads.
 */
class ArchitectureReferenceTest {

    /** float32 on the engine against doubles in the reference, for logits and activations of a few units. */
    private static final double TOLERANCE = 1e-4;
    private static final int[] PROMPT = {3, 17, 42, 5, 59, 31, 8};

    @TempDir
    Path folder;

    /** Gemma with multi-query attention and head_dim 16, not hidden_size / num_attention_heads = 8. */
    private static TinyHfModel gemma() {
        return TinyHfModel.gemma().numKeyValueHeads(1).headDim(16).tieWordEmbeddings(true).seed(31);
    }

    /** Gemma 2 with three layers (windowed, full, windowed), a window shorter than the prompt and tight caps. */
    private static TinyHfModel gemma2() {
        return TinyHfModel.gemma2().numHiddenLayers(3).numKeyValueHeads(2).headDim(16).tieWordEmbeddings(true)
                .slidingWindow(3).queryPreAttnScalar(24).softcapping(2, 3).seed(32);
    }

    private static TinyHfModel qwen3() {
        return TinyHfModel.qwen3().numKeyValueHeads(2).headDim(16).seed(33);
    }

    /** Phi-3 with grouped-query attention, so that q, k and v rows of qkv_proj have different counts. */
    private static TinyHfModel phi3() {
        return TinyHfModel.phi3().numKeyValueHeads(2).slidingWindow(3).seed(34);
    }

    static Stream<Arguments> architectures() {
        return Stream.of(
                Arguments.of("llama", TinyHfModel.llama().numKeyValueHeads(2).seed(30)),
                Arguments.of("gemma", gemma()),
                Arguments.of("gemma2", gemma2()),
                Arguments.of("qwen3", qwen3()),
                Arguments.of("phi3", phi3()));
    }

    @Test
    void gemmaMatchesReference() throws Exception {
        TinyHfModel tiny = gemma();
        Path model = tiny.write(folder.resolve("gemma"));

        ObjectNode header = RawSafetensors.header(model.resolve("model.safetensors"));
        assertFalse(header.has("lm_head.weight"), "Gemma ties its embeddings");
        ReferenceLlama.Config config = tiny.referenceConfig();
        assertChangesLogits(tiny, config.withVariant(new ReferenceLlama.Variant(false, true, true, false, false, false,
                0, 0, 0, false)), "embedding scaling");
        assertChangesLogits(tiny, config.withVariant(new ReferenceLlama.Variant(true, false, true, false, false, false,
                0, 0, 0, false)), "1 + weight norms");
        assertChangesLogits(tiny, config.withVariant(new ReferenceLlama.Variant(true, true, false, false, false, false,
                0, 0, 0, false)), "gelu-tanh");
        assertMatchesReference(tiny, model);
    }

    @Test
    void gemma2MatchesReference() throws Exception {
        TinyHfModel tiny = gemma2();
        Path model = tiny.write(folder.resolve("gemma2"));

        ReferenceLlama.Config config = tiny.referenceConfig();
        ReferenceLlama.Variant variant = config.variant();
        assertChangesLogits(tiny, config.withVariant(new ReferenceLlama.Variant(true, true, true, true, false, false,
                24, 2, 3, false)), "windowing only the even layers");
        assertChangesLogits(tiny, config.withSlidingWindow(0), "the sliding window");
        assertChangesLogits(tiny, config.withVariant(variant.withSoftcapping(0, 3)), "attention soft-capping");
        assertChangesLogits(tiny, config.withVariant(variant.withSoftcapping(2, 0)), "logit soft-capping");
        assertChangesLogits(tiny, config.withVariant(ReferenceLlama.Variant.gemma2(16, 2, 3)),
                "query_pre_attn_scalar");
        for (double[] row : tiny.reference().logits(PROMPT)) {
            for (double logit : row) {
                assertTrue(Math.abs(logit) < 3, "final_logit_softcapping bounds every logit by 3: " + logit);
            }
        }
        assertMatchesReference(tiny, model);
    }

    @Test
    void qwen3MatchesReference() throws Exception {
        TinyHfModel tiny = qwen3();
        Path model = tiny.write(folder.resolve("qwen3"));

        ObjectNode header = RawSafetensors.header(model.resolve("model.safetensors"));
        assertEquals("[16]", header.get("model.layers.1.self_attn.q_norm.weight").get("shape").toString());
        assertFalse(header.has("model.layers.1.self_attn.q_proj.bias"), "Qwen3 has no q/k/v biases by default");
        assertChangesLogits(tiny, tiny.referenceConfig().withVariant(ReferenceLlama.Variant.LLAMA), "q/k norms");
        assertMatchesReference(tiny, model);
    }

    @Test
    void phi3WithFusedWeightsMatchesReference() throws Exception {
        TinyHfModel tiny = phi3();
        Path model = tiny.write(folder.resolve("phi3"));

        ObjectNode header = RawSafetensors.header(model.resolve("model.safetensors"));
        assertEquals("[64,32]", header.get("model.layers.0.self_attn.qkv_proj.weight").get("shape").toString());
        assertEquals("[96,32]", header.get("model.layers.0.mlp.gate_up_proj.weight").get("shape").toString());
        assertFalse(header.has("model.layers.0.self_attn.q_proj.weight"));
        assertChangesLogits(tiny, tiny.referenceConfig().withSlidingWindow(0), "the sliding window");
        assertMatchesReference(tiny, model);
    }

    static Stream<Arguments> cachedModels() {
        return architectures().filter(arguments -> !arguments.get()[0].equals("llama"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cachedModels")
    void kvCacheDecodeMatchesFullForward(String name, TinyHfModel tiny) throws Exception {
        assertCachedDecodeMatches(tiny, folder.resolve(name), PROMPT, 2, TOLERANCE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("architectures")
    void activationSitesMatchReference(String name, TinyHfModel tiny) throws Exception {
        LanguageModel model = ModelRuns.load(tiny.write(folder.resolve(name)));
        try {
            int layers = model.config().numHiddenLayers();
            TokenActivations activations = new TokenActivations(layers, EnumSet.allOf(SiteKind.class));
            runWith(model, activations, null);
            ReferenceLlama.Trace trace = tiny.reference().run(PROMPT, null);

            for (int layer = 0; layer < layers; layer++) {
                assertSiteClose(trace.residPre()[layer], activations, SiteKind.RESID_PRE, layer);
                assertSiteClose(trace.attnOut()[layer], activations, SiteKind.ATTN_OUT, layer);
                assertSiteClose(trace.mlpPost()[layer], activations, SiteKind.MLP_POST, layer);
                assertSiteClose(trace.residPost()[layer], activations, SiteKind.RESID_POST, layer);
            }
        } finally {
            ModelRuns.close(model);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("architectures")
    void ablationMatchesReference(String name, TinyHfModel tiny) throws Exception {
        int layers = tiny.referenceConfig().numHiddenLayers();
        float[][] masks = new float[layers][];
        masks[0] = new float[tiny.referenceConfig().intermediateSize()];
        for (int neuron = 0; neuron < masks[0].length; neuron++) {
            masks[0][neuron] = neuron % 3 == 0 ? 0 : 1;
        }
        boolean[] skipped = new boolean[layers];
        skipped[1] = true;
        Ablation ablation = new Ablation(masks, skipped);
        LanguageModel model = ModelRuns.load(tiny.write(folder.resolve(name)));
        try {
            TokenActivations activations = new TokenActivations(layers, EnumSet.allOf(SiteKind.class));
            float[][] logits = runWith(model, activations, ablation);
            ReferenceLlama.Trace trace = tiny.reference().run(PROMPT, ablation);

            assertTrue(maxDifference(trace.logits(), tiny.reference().logits(PROMPT)) > 100 * TOLERANCE,
                    "the ablation changes the logits");
            assertLogitsClose(trace.logits(), logits, TOLERANCE);
            assertEquals(0, activations.at(SiteKind.MLP_POST, 0, 4)[3], 0.0, "a masked neuron reads 0");
            assertArrayEquals(activations.at(SiteKind.RESID_PRE, 1, 4), activations.at(SiteKind.RESID_POST, 1, 4),
                    "a skipped layer passes the residual stream through");
            assertSiteClose(trace.mlpPost()[0], activations, SiteKind.MLP_POST, 0);
        } finally {
            ModelRuns.close(model);
        }
    }

    @Test
    void phi3ExportFusesProjectionsAgain() throws Exception {
        TinyHfModel tiny = phi3();
        Path original = tiny.write(folder.resolve("phi3"));
        Path exported = folder.resolve("phi3-export");
        try (Checkpoint checkpoint = ModelLoader.open(original, null)) {
            assertTrue(checkpoint.tensors().names().contains("model.layers.1.self_attn.k_proj.weight"),
                    "the checkpoint view splits qkv_proj");
            HfFolderWriter.write(checkpoint, exported);
        }

        try (SafetensorsFile written = SafetensorsFile.open(exported.resolve("model.safetensors"))) {
            for (String name : new String[] {"model.layers.1.self_attn.qkv_proj.weight",
                    "model.layers.1.mlp.gate_up_proj.weight"}) {
                assertArrayEquals(tiny.weights().get(name), written.readFloats(name), name);
            }
            assertFalse(written.tensors().containsKey("model.layers.1.self_attn.q_proj.weight"));
        }
        assertMatchesReference(tiny, exported);
    }

    @Test
    void depthPrunedGemma2KeepsLayerAttention() throws Exception {
        // Removing layer 0 leaves layers 1 (full) and 2 (windowed). Were the pattern re-derived from the new
        // indices, the first kept layer would be windowed and the logits would differ from the preview.
        TinyHfModel tiny = gemma2();
        Path original = tiny.write(folder.resolve("gemma2"));
        Path exported = folder.resolve("gemma2-pruned");
        Ablation preview;
        try (Checkpoint checkpoint = ModelLoader.open(original, null)) {
            PrunePlan plan = PrunePlan.identity(checkpoint.config()).withRemovedLayers(Set.of(0));
            preview = plan.ablation(checkpoint.config());
            HfFolderWriter.write(Pruner.prune(checkpoint, plan), exported);
        }

        double[][] expected = tiny.reference().run(PROMPT, preview).logits();
        LanguageModel pruned = ModelRuns.load(exported);
        try {
            assertEquals(2, pruned.config().numHiddenLayers());
            assertFalse(pruned.config().isSlidingWindowLayer(0));
            assertTrue(pruned.config().isSlidingWindowLayer(1));
            assertLogitsClose(expected, ModelRuns.logits(pruned, PROMPT), TOLERANCE);
        } finally {
            ModelRuns.close(pruned);
        }
    }

    private static void assertChangesLogits(TinyHfModel tiny, ReferenceLlama.Config without, String feature) {
        double effect = maxDifference(tiny.reference().logits(PROMPT),
                new ReferenceLlama(without, tiny.weights()).logits(PROMPT));
        assertTrue(effect > 100 * TOLERANCE, feature + " changes the logits by only " + effect);
    }

    private static void assertMatchesReference(TinyHfModel tiny, Path model) throws Exception {
        LanguageModel loaded = ModelRuns.load(model);
        try {
            assertLogitsClose(tiny.reference().logits(PROMPT), ModelRuns.logits(loaded, PROMPT), TOLERANCE);
        } finally {
            ModelRuns.close(loaded);
        }
    }

    private static void assertSiteClose(double[][] expected, TokenActivations actual, SiteKind kind, int layer) {
        assertEquals(expected.length, actual.tokens(kind), kind + " positions");
        float[][] rows = new float[expected.length][];
        for (int t = 0; t < expected.length; t++) {
            rows[t] = actual.at(kind, layer, t);
        }
        try {
            assertLogitsClose(expected, rows, TOLERANCE);
        } catch (AssertionError e) {
            throw new AssertionError(kind + " of layer " + layer + ": " + e.getMessage(), e);
        }
    }

    /** Runs {@link #PROMPT} once with a recorder and, when given, an ablation that is removed afterwards. */
    private static float[][] runWith(LanguageModel model, TokenActivations recorder, Ablation ablation) {
        int layers = model.config().numHiddenLayers();
        float[] flat = TensorEngine.get().call(manager -> {
            if (ablation != null) {
                model.transformer().setAblation(ablation);
            }
            try (NDScope scope = new NDScope()) {
                return model.transformer().forward(new int[][] {PROMPT}, null, recorder, false).toFloatArray();
            } finally {
                model.transformer().setAblation(Ablation.none(layers));
            }
        });
        int vocab = flat.length / PROMPT.length;
        float[][] rows = new float[PROMPT.length][vocab];
        for (int t = 0; t < PROMPT.length; t++) {
            System.arraycopy(flat, t * vocab, rows[t], 0, vocab);
        }
        return rows;
    }
}
