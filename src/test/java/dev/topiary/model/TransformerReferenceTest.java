package dev.topiary.model;

import static dev.topiary.model.LogitAssertions.assertCachedDecodeMatches;
import static dev.topiary.model.LogitAssertions.assertLogitsClose;
import static dev.topiary.model.LogitAssertions.maxDifference;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.topiary.model.safetensors.RawSafetensors;
import dev.topiary.model.safetensors.TensorDtype;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Loads tiny random Hugging Face folders through {@link LanguageModel#load} and compares the engine's
 * logits for every position with {@link ReferenceLlama}, a plain-Java forward pass built from the same
 * settings, not from the config.json the loader reads.
 */
class TransformerReferenceTest {

    /** float32 on the engine against doubles in the reference, for logits of a few units. */
    private static final double TOLERANCE = 1e-4;
    private static final int[] PROMPT = {3, 17, 42, 5, 59, 31, 8};

    @TempDir
    Path folder;

    @Test
    void tiedEmbeddingsMatchReference() throws Exception {
        TinyHfModel tiny = TinyHfModel.llama().tieWordEmbeddings(true).seed(11);
        Path model = tiny.write(folder.resolve("tied"));

        ObjectNode header = RawSafetensors.header(model.resolve("model.safetensors"));
        assertFalse(header.has("lm_head.weight"), "a tied checkpoint stores no lm_head");
        assertMatchesReference(tiny, model, PROMPT);
    }

    @Test
    void groupedQueryAttentionWithHeadDimMatchesReference() throws Exception {
        // head_dim 12 differs from hidden_size / num_attention_heads = 8, so it must come from config.json.
        TinyHfModel tiny = TinyHfModel.llama().numAttentionHeads(4).numKeyValueHeads(2).headDim(12).seed(12);
        Path model = tiny.write(folder.resolve("gqa"));

        ObjectNode header = RawSafetensors.header(model.resolve("model.safetensors"));
        assertEquals("[48,32]", header.get("model.layers.0.self_attn.q_proj.weight").get("shape").toString());
        assertEquals("[24,32]", header.get("model.layers.0.self_attn.k_proj.weight").get("shape").toString());
        assertMatchesReference(tiny, model, PROMPT);
    }

    @Test
    void llama3RopeScalingMatchesReference() throws Exception {
        // With theta 100 and head dim 16 the wavelengths run from 6.3 to 353 positions. An original context of
        // 32 keeps wavelengths under 8, divides those over 32 by 8 and interpolates between.
        ReferenceLlama.Llama3Scaling scaling = new ReferenceLlama.Llama3Scaling(8, 1, 4, 32);
        TinyHfModel tiny = TinyHfModel.llama().numAttentionHeads(2).numKeyValueHeads(1).ropeTheta(100)
                .ropeScaling(scaling).seed(13);
        assertEquals(16, tiny.headDim());
        double[] scaled = ReferenceLlama.inverseFrequencies(tiny.referenceConfig());
        double[] plain = ReferenceLlama.inverseFrequencies(unscaled(tiny.referenceConfig()));
        int unchanged = 0;
        int divided = 0;
        int interpolated = 0;
        for (int i = 0; i < plain.length; i++) {
            if (scaled[i] == plain[i]) {
                unchanged++;
            } else if (Math.abs(scaled[i] - plain[i] / 8) < 1e-15) {
                divided++;
            } else {
                interpolated++;
            }
        }
        assertTrue(unchanged > 0, "some frequencies are unchanged");
        assertTrue(divided > 0, "some frequencies are divided by the factor");
        assertTrue(interpolated > 0, "some frequencies are interpolated");

        int[] prompt = randomTokens(24, tiny.vocabSize(), 5);
        ReferenceLlama withoutScaling = new ReferenceLlama(unscaled(tiny.referenceConfig()), tiny.weights());
        double effect = maxDifference(tiny.reference().logits(prompt), withoutScaling.logits(prompt));
        assertTrue(effect > 100 * TOLERANCE, "rope scaling changes the logits by only " + effect);

        assertMatchesReference(tiny, tiny.write(folder.resolve("llama3")), prompt);
    }

    @Test
    void qwen2WithBiasesMatchesReference() throws Exception {
        TinyHfModel tiny = TinyHfModel.qwen2().numKeyValueHeads(2).seed(14);
        Path model = tiny.write(folder.resolve("qwen2"));

        for (String projection : new String[] {"q_proj", "k_proj", "v_proj"}) {
            float[] bias = tiny.weights().get("model.layers.1.self_attn." + projection + ".bias");
            double largest = 0;
            for (float value : bias) {
                largest = Math.max(largest, Math.abs(value));
            }
            assertTrue(largest > 0.1, projection + " bias is not negligible");
        }
        assertFalse(tiny.weights().containsKey("model.layers.1.self_attn.o_proj.bias"), "Qwen2 has no o_proj bias");
        assertMatchesReference(tiny, model, PROMPT);
    }

    @Test
    void llamaAttentionBiasMatchesReference() throws Exception {
        // transformers' LlamaAttention gives o_proj a bias too when attention_bias is true.
        TinyHfModel tiny = TinyHfModel.llama().attentionBias(true).numKeyValueHeads(2).seed(15);
        Path model = tiny.write(folder.resolve("llama-bias"));

        assertTrue(tiny.weights().containsKey("model.layers.0.self_attn.o_proj.bias"));
        assertMatchesReference(tiny, model, PROMPT);
    }

    @Test
    void mistralSlidingWindowMatchesReference() throws Exception {
        TinyHfModel tiny = TinyHfModel.mistral().numKeyValueHeads(2).slidingWindow(3).seed(16);
        Path model = tiny.write(folder.resolve("mistral"));

        ReferenceLlama fullAttention = new ReferenceLlama(withWindow(tiny.referenceConfig(), 0), tiny.weights());
        double effect = maxDifference(tiny.reference().logits(PROMPT), fullAttention.logits(PROMPT));
        assertTrue(effect > 100 * TOLERANCE, "the window changes the logits by only " + effect);
        assertMatchesReference(tiny, model, PROMPT);
    }

    @ParameterizedTest
    @EnumSource(value = TensorDtype.class, names = {"BF16", "F16"})
    void narrowWeightsMatchReference(TensorDtype dtype) throws Exception {
        TinyHfModel tiny = TinyHfModel.llama().numKeyValueHeads(2).dtype(dtype).seed(17);
        Path model = tiny.write(folder.resolve(dtype.name()));

        ObjectNode header = RawSafetensors.header(model.resolve("model.safetensors"));
        assertEquals(dtype.name(), header.get("model.layers.0.mlp.up_proj.weight").get("dtype").asText());
        LanguageModel loaded = ModelRuns.load(model);
        try {
            assertEquals(dtype.name(), loaded.fileDtype());
            assertLogitsClose(tiny.reference().logits(PROMPT), ModelRuns.logits(loaded, PROMPT), TOLERANCE);
        } finally {
            ModelRuns.close(loaded);
        }
    }

    @Test
    void shardedWeightsMatchSingleFile() throws Exception {
        TinyHfModel tiny = TinyHfModel.llama().numKeyValueHeads(2).seed(18);
        Path single = tiny.write(folder.resolve("single"));
        Path sharded = tiny.shards(3).write(folder.resolve("sharded"));

        assertTrue(Files.isRegularFile(sharded.resolve("model-00003-of-00003.safetensors")));
        assertTrue(Files.isRegularFile(sharded.resolve("model.safetensors.index.json")));
        assertFalse(Files.exists(sharded.resolve("model.safetensors")));
        float[][] fromSingle = engineLogits(single, PROMPT);
        float[][] fromShards = engineLogits(sharded, PROMPT);
        for (int t = 0; t < PROMPT.length; t++) {
            assertArrayEquals(fromSingle[t], fromShards[t], "position " + t);
        }
        assertLogitsClose(tiny.reference().logits(PROMPT), fromShards, TOLERANCE);
    }

    static Stream<Arguments> cachedModels() {
        return Stream.of(
                Arguments.of("grouped-query", TinyHfModel.llama().numKeyValueHeads(2).seed(19)),
                Arguments.of("sliding-window", TinyHfModel.mistral().numKeyValueHeads(1).slidingWindow(3).seed(20)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cachedModels")
    void kvCacheDecodeMatchesFullForward(String name, TinyHfModel tiny) throws Exception {
        assertCachedDecodeMatches(tiny, folder.resolve(name), PROMPT, 3, TOLERANCE);
    }

    private static void assertMatchesReference(TinyHfModel tiny, Path model, int[] prompt) throws Exception {
        assertLogitsClose(tiny.reference().logits(prompt), engineLogits(model, prompt), TOLERANCE);
    }

    private static float[][] engineLogits(Path folder, int[] prompt) throws ModelFormatException {
        LanguageModel model = ModelRuns.load(folder);
        try {
            return ModelRuns.logits(model, prompt);
        } finally {
            ModelRuns.close(model);
        }
    }

    private static int[] randomTokens(int count, int vocabSize, long seed) {
        Random random = new Random(seed);
        int[] tokens = new int[count];
        for (int i = 0; i < count; i++) {
            tokens[i] = random.nextInt(vocabSize);
        }
        return tokens;
    }

    private static ReferenceLlama.Config unscaled(ReferenceLlama.Config c) {
        return new ReferenceLlama.Config(c.hiddenSize(), c.intermediateSize(), c.numHiddenLayers(),
                c.numAttentionHeads(), c.numKeyValueHeads(), c.headDim(), c.vocabSize(), c.rmsNormEps(),
                c.ropeTheta(), null, c.tieWordEmbeddings(), c.qkvBias(), c.outputBias(), c.slidingWindow());
    }

    private static ReferenceLlama.Config withWindow(ReferenceLlama.Config c, int window) {
        return new ReferenceLlama.Config(c.hiddenSize(), c.intermediateSize(), c.numHiddenLayers(),
                c.numAttentionHeads(), c.numKeyValueHeads(), c.headDim(), c.vocabSize(), c.rmsNormEps(),
                c.ropeTheta(), c.ropeScaling(), c.tieWordEmbeddings(), c.qkvBias(), c.outputBias(), window);
    }
}
