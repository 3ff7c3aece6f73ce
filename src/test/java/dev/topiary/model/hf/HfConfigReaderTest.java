package dev.topiary.model.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.topiary.model.Architecture;
import dev.topiary.model.HiddenActivation;
import dev.topiary.model.LayerType;
import dev.topiary.model.ModelConfig;
import dev.topiary.model.ModelFormatException;
import dev.topiary.model.ReferenceLlama;
import dev.topiary.model.TinyHfModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfConfigReaderTest {

    @TempDir
    Path folder;

    private ModelConfig read() throws ModelFormatException {
        return HfConfigReader.read(folder.resolve("config.json"), folder.resolve("generation_config.json"));
    }

    private Path writeConfig(ObjectNode config) throws Exception {
        TinyHfModel.writeConfig(folder, config);
        return folder.resolve("config.json");
    }

    @Test
    void mapsLlamaFields() throws Exception {
        ReferenceLlama.Llama3Scaling scaling = new ReferenceLlama.Llama3Scaling(8, 1, 4, 32);
        writeConfig(TinyHfModel.llama().numKeyValueHeads(2).headDim(12).ropeTheta(500000).ropeScaling(scaling)
                .tieWordEmbeddings(true).configJson());

        ModelConfig config = read();

        assertEquals(Architecture.LLAMA, config.architecture());
        assertEquals(32, config.hiddenSize());
        assertEquals(48, config.intermediateSize());
        assertEquals(2, config.numHiddenLayers());
        assertEquals(4, config.numAttentionHeads());
        assertEquals(2, config.numKeyValueHeads());
        assertEquals(12, config.headDim());
        assertEquals(61, config.vocabSize());
        assertEquals(1e-5, config.rmsNormEps());
        assertEquals(500000, config.ropeTheta());
        assertEquals(8, config.ropeScaling().factor());
        assertEquals(32, config.ropeScaling().originalMaxPositionEmbeddings());
        assertTrue(config.tieWordEmbeddings());
        assertFalse(config.attentionBias());
        assertEquals(0, config.slidingWindow());
        assertEquals(List.of(2), config.eosTokenIds());
    }

    @Test
    void mapsQwen2AndMistralFields() throws Exception {
        writeConfig(TinyHfModel.qwen2().configJson());
        ModelConfig qwen2 = read();
        assertTrue(qwen2.attentionBias(), "Qwen2 always has q/k/v biases");
        assertFalse(qwen2.attentionOutputBias());
        assertEquals(0, qwen2.slidingWindow(), "use_sliding_window is false");

        writeConfig(TinyHfModel.mistral().slidingWindow(3).configJson());
        ModelConfig mistral = read();
        assertEquals(3, mistral.slidingWindow());
        assertFalse(mistral.attentionBias());
        assertNull(mistral.ropeScaling());
    }

    @Test
    void qwen2WindowCoversEveryLayerOrNone() throws Exception {
        ObjectNode json = TinyHfModel.qwen2().configJson();
        json.put("use_sliding_window", true).put("sliding_window", 3).put("max_window_layers", 0);
        writeConfig(json);
        assertEquals(3, read().slidingWindow(), "every layer from layer 0 on is windowed");

        json.put("max_window_layers", 2);
        writeConfig(json);
        assertEquals(0, read().slidingWindow(), "no layer of 2 is windowed");

        json.remove("max_window_layers");
        writeConfig(json);
        assertEquals(0, read().slidingWindow(), "transformers' default max_window_layers is 28");

        json.putArray("layer_types").add("sliding_attention").add("sliding_attention");
        writeConfig(json);
        assertEquals(3, read().slidingWindow(), "layer_types windows both layers");
    }

    @Test
    void rejectsQwen2WindowOnSomeLayers() throws Exception {
        ObjectNode json = TinyHfModel.qwen2().configJson();
        json.put("use_sliding_window", true).put("sliding_window", 3).put("max_window_layers", 1);
        Path configFile = writeConfig(json);

        ModelFormatException error = assertThrows(ModelFormatException.class, this::read);

        assertEquals(configFile, error.file());
        assertTrue(error.getMessage().contains("max_window_layers=1 gives 1 of 2 layers a sliding window"),
                error.getMessage());
    }

    @Test
    void generationConfigOverridesEosIds() throws Exception {
        writeConfig(TinyHfModel.llama().configJson());
        Files.writeString(folder.resolve("generation_config.json"), "{\"bos_token_id\": 5, \"eos_token_id\": [2, 7]}");

        ModelConfig config = read();

        assertEquals(List.of(2, 7), config.eosTokenIds());
        assertEquals(5, config.bosTokenId());
    }

    @Test
    void rejectsUnknownArchitecture() throws Exception {
        ObjectNode json = TinyHfModel.llama().configJson();
        json.putArray("architectures").add("GPT2LMHeadModel");
        Path configFile = writeConfig(json);

        ModelFormatException error = assertThrows(ModelFormatException.class, this::read);

        assertEquals(configFile, error.file());
        assertTrue(error.getMessage().contains("'GPT2LMHeadModel' is not supported"), error.getMessage());
        assertTrue(error.getMessage().contains("LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM, "
                + "Qwen3ForCausalLM, GemmaForCausalLM, Gemma2ForCausalLM, Phi3ForCausalLM"), error.getMessage());
    }

    @Test
    void rejectsHeadsNotDivisibleByKvHeads() throws Exception {
        Path configFile = writeConfig(TinyHfModel.llama().numAttentionHeads(4).numKeyValueHeads(3).configJson());

        ModelFormatException error = assertThrows(ModelFormatException.class, this::read);

        assertEquals(configFile, error.file());
        assertTrue(error.getMessage().contains("num_attention_heads=4 is not a multiple of num_key_value_heads=3"),
                error.getMessage());
    }

    @Test
    void rejectsZeroKvHeads() throws Exception {
        Path configFile = writeConfig(TinyHfModel.llama().numKeyValueHeads(0).configJson());

        ModelFormatException error = assertThrows(ModelFormatException.class, this::read);

        assertEquals(configFile, error.file());
        assertTrue(error.getMessage().contains("num_key_value_heads=0"), error.getMessage());
    }

    @Test
    void rejectsNonPositiveHeadDim() throws Exception {
        for (int headDim : new int[] {0, -8}) {
            ObjectNode json = TinyHfModel.llama().configJson();
            json.put("head_dim", headDim);
            Path configFile = writeConfig(json);

            ModelFormatException error = assertThrows(ModelFormatException.class, this::read);

            assertEquals(configFile, error.file());
            assertTrue(error.getMessage().contains("head_dim=" + headDim + " is not a positive integer"),
                    error.getMessage());
        }
    }

    @Test
    void rejectsNonNumericNormEpsilonAndTheta() throws Exception {
        for (String field : new String[] {"rms_norm_eps", "rope_theta"}) {
            ObjectNode json = TinyHfModel.llama().configJson();
            json.put(field, "abc");
            Path configFile = writeConfig(json);

            ModelFormatException error = assertThrows(ModelFormatException.class, this::read);

            assertEquals(configFile, error.file());
            assertTrue(error.getMessage().contains("'" + field + "' must be a positive number (found \"abc\")"),
                    error.getMessage());
        }
    }

    @Test
    void rejectsInvalidJson() throws Exception {
        Path configFile = folder.resolve("config.json");
        Files.writeString(configFile, "{\"architectures\": [\"LlamaForCausalLM\"], \"hidden_size\": 32,");

        ModelFormatException error = assertThrows(ModelFormatException.class, this::read);

        assertEquals(configFile, error.file());
        assertTrue(error.getMessage().startsWith(configFile.toString()), error.getMessage());
        assertTrue(error.getMessage().contains("is not valid JSON"), error.getMessage());
    }

    @Test
    void rejectsMissingHiddenSize() throws Exception {
        ObjectNode json = TinyHfModel.llama().configJson();
        json.remove("hidden_size");
        Path configFile = writeConfig(json);

        ModelFormatException error = assertThrows(ModelFormatException.class, this::read);

        assertEquals(configFile, error.file());
        assertTrue(error.getMessage().contains("'hidden_size' is missing"), error.getMessage());
    }

    @Test
    void rejectsUnsupportedRopeScaling() throws Exception {
        ObjectNode json = TinyHfModel.llama().configJson();
        json.putObject("rope_scaling").put("rope_type", "linear").put("factor", 2.0);
        writeConfig(json);

        ModelFormatException error = assertThrows(ModelFormatException.class, this::read);

        assertTrue(error.getMessage().contains("rope_scaling of type 'linear' is not supported"), error.getMessage());
    }

    @Test
    void mapsGemmaFields() throws Exception {
        ObjectNode json = TinyHfModel.gemma().numKeyValueHeads(1).headDim(16).configJson();
        json.remove("tie_word_embeddings");
        json.put("sliding_window", 3);
        writeConfig(json);

        ModelConfig config = read();

        assertEquals(Architecture.GEMMA, config.architecture());
        assertEquals(16, config.headDim());
        assertTrue(config.tieWordEmbeddings(), "GemmaConfig ties embeddings by default");
        assertEquals(HiddenActivation.GELU_PYTORCH_TANH, config.hiddenAct());
        assertEquals(0, config.slidingWindow(), "transformers' Gemma has no sliding window");
        assertEquals(16, config.queryPreAttnScalar());
        assertEquals(0, config.attnLogitSoftcapping());
        assertEquals(0, config.finalLogitSoftcapping());
    }

    @Test
    void gemmaDefaultsHeadDimTo256() throws Exception {
        ObjectNode json = TinyHfModel.gemma().configJson();
        json.remove("head_dim");
        writeConfig(json);

        assertEquals(256, read().headDim(), "GemmaConfig's default, not hidden_size / num_attention_heads");
    }

    @Test
    void readsGemma1GeluAsTanhApproximation() throws Exception {
        ObjectNode json = TinyHfModel.gemma().configJson();
        json.remove("hidden_activation");
        json.put("hidden_act", "gelu");
        writeConfig(json);

        assertEquals(HiddenActivation.GELU_PYTORCH_TANH, read().hiddenAct());
    }

    @Test
    void rejectsExactGeluForGemma2() throws Exception {
        ObjectNode json = TinyHfModel.gemma2().configJson();
        json.put("hidden_activation", "gelu");
        Path configFile = writeConfig(json);

        ModelFormatException error = assertThrows(ModelFormatException.class, this::read);

        assertEquals(configFile, error.file());
        assertTrue(error.getMessage().contains("hidden_activation is 'gelu'"), error.getMessage());
        assertTrue(error.getMessage().contains("uses gelu_pytorch_tanh"), error.getMessage());
    }

    @Test
    void rejectsSiluForGemma() throws Exception {
        ObjectNode json = TinyHfModel.gemma().configJson();
        json.remove("hidden_activation");
        json.put("hidden_act", "silu");
        writeConfig(json);

        ModelFormatException error = assertThrows(ModelFormatException.class, this::read);

        assertTrue(error.getMessage().contains("hidden_act is 'silu'"), error.getMessage());
    }

    @Test
    void mapsGemma2Fields() throws Exception {
        writeConfig(TinyHfModel.gemma2().numHiddenLayers(3).headDim(16).slidingWindow(5).queryPreAttnScalar(24)
                .softcapping(50, 30).configJson());

        ModelConfig config = read();

        assertEquals(Architecture.GEMMA2, config.architecture());
        assertEquals(5, config.slidingWindow());
        assertEquals(List.of(LayerType.SLIDING_ATTENTION, LayerType.FULL_ATTENTION, LayerType.SLIDING_ATTENTION),
                config.layerTypes(), "transformers windows layers 0, 2, 4, ... when layer_types is absent");
        assertTrue(config.isSlidingWindowLayer(0));
        assertFalse(config.isSlidingWindowLayer(1));
        assertEquals(24, config.queryPreAttnScalar());
        assertEquals(50, config.attnLogitSoftcapping());
        assertEquals(30, config.finalLogitSoftcapping());
        assertEquals(HiddenActivation.GELU_PYTORCH_TANH, config.hiddenAct());
    }

    @Test
    void gemma2AppliesTransformersDefaults() throws Exception {
        ObjectNode json = TinyHfModel.gemma2().headDim(16).configJson();
        for (String field : new String[] {"sliding_window", "query_pre_attn_scalar", "attn_logit_softcapping",
                "final_logit_softcapping", "tie_word_embeddings"}) {
            json.remove(field);
        }
        writeConfig(json);

        ModelConfig config = read();

        assertEquals(4096, config.slidingWindow());
        assertEquals(256, config.queryPreAttnScalar());
        assertEquals(50, config.attnLogitSoftcapping());
        assertEquals(30, config.finalLogitSoftcapping());
        assertTrue(config.tieWordEmbeddings());
    }

    @Test
    void gemma2NullCapsMeanNoCapping() throws Exception {
        writeConfig(TinyHfModel.gemma2().headDim(16).softcapping(0, 0).configJson());

        ModelConfig config = read();

        assertEquals(0, config.attnLogitSoftcapping());
        assertEquals(0, config.finalLogitSoftcapping());
    }

    @Test
    void gemma2FollowsLayerTypes() throws Exception {
        ObjectNode json = TinyHfModel.gemma2().numHiddenLayers(3).headDim(16).slidingWindow(5).configJson();
        json.putArray("layer_types").add("full_attention").add("sliding_attention").add("sliding_attention");
        writeConfig(json);

        assertEquals(List.of(LayerType.FULL_ATTENTION, LayerType.SLIDING_ATTENTION, LayerType.SLIDING_ATTENTION),
                read().layerTypes());
    }

    @Test
    void rejectsInvalidGemma2LayerTypes() throws Exception {
        ObjectNode json = TinyHfModel.gemma2().numHiddenLayers(3).headDim(16).slidingWindow(5).configJson();
        json.putArray("layer_types").add("full_attention").add("sliding_attention");
        Path configFile = writeConfig(json);

        ModelFormatException tooShort = assertThrows(ModelFormatException.class, this::read);
        assertEquals(configFile, tooShort.file());
        assertTrue(tooShort.getMessage().contains("layer_types must list one entry per layer (3)"),
                tooShort.getMessage());

        json.putArray("layer_types").add("full_attention").add("chunked_attention").add("full_attention");
        writeConfig(json);
        ModelFormatException unknown = assertThrows(ModelFormatException.class, this::read);
        assertTrue(unknown.getMessage().contains("layer_types contains 'chunked_attention'"), unknown.getMessage());
    }

    @Test
    void mapsQwen3Fields() throws Exception {
        ObjectNode json = TinyHfModel.qwen3().numKeyValueHeads(2).configJson();
        writeConfig(json);
        ModelConfig config = read();
        assertEquals(Architecture.QWEN3, config.architecture());
        assertFalse(config.attentionBias(), "Qwen3 has no q/k/v biases unless attention_bias is set");
        assertEquals(0, config.slidingWindow(), "use_sliding_window is false");
        assertEquals(HiddenActivation.SILU, config.hiddenAct());

        json.remove("head_dim");
        json.put("attention_bias", true);
        writeConfig(json);
        ModelConfig defaults = read();
        assertEquals(128, defaults.headDim(), "Qwen3Config's default head_dim");
        assertTrue(defaults.attentionBias());
        assertTrue(defaults.attentionOutputBias(), "Qwen3 attention gives o_proj a bias too, like Llama");
    }

    @Test
    void mapsPhi3Fields() throws Exception {
        ObjectNode json = TinyHfModel.phi3().numKeyValueHeads(2).slidingWindow(7).configJson();
        json.put("attention_bias", true);
        json.remove("rms_norm_eps");
        writeConfig(json);

        ModelConfig config = read();

        assertEquals(Architecture.PHI3, config.architecture());
        assertEquals(7, config.slidingWindow());
        assertTrue(config.isSlidingWindowLayer(1), "Phi-3 windows every layer");
        assertFalse(config.attentionBias(), "Phi-3's projections have no biases, whatever attention_bias says");
        assertEquals(1e-5, config.rmsNormEps(), "Phi3Config's default");
        assertEquals(8, config.headDim(), "hidden_size / num_attention_heads without head_dim");
    }

    @Test
    void rejectsPhi3LongRopeNamingItsType() throws Exception {
        for (String type : new String[] {"longrope", "su", "llama3"}) {
            ObjectNode json = TinyHfModel.phi3().configJson();
            ObjectNode scaling = json.putObject("rope_scaling").put("type", type);
            scaling.putArray("short_factor").add(1.0);
            scaling.putArray("long_factor").add(2.0);
            Path configFile = writeConfig(json);

            ModelFormatException error = assertThrows(ModelFormatException.class, this::read);

            assertEquals(configFile, error.file());
            assertTrue(error.getMessage().contains("rope_scaling of type '" + type + "' is not supported for "
                    + "Phi3ForCausalLM"), error.getMessage());
        }
    }

    @Test
    void acceptsPhi3DefaultRopeScaling() throws Exception {
        ObjectNode json = TinyHfModel.phi3().configJson();
        json.putObject("rope_scaling").put("rope_type", "default");
        writeConfig(json);

        assertNull(read().ropeScaling());
    }

    @Test
    void rejectsPartialRotaryFactor() throws Exception {
        ObjectNode json = TinyHfModel.phi3().configJson();
        json.put("partial_rotary_factor", 0.75);
        Path configFile = writeConfig(json);

        ModelFormatException error = assertThrows(ModelFormatException.class, this::read);

        assertEquals(configFile, error.file());
        assertTrue(error.getMessage().contains("partial_rotary_factor=0.75 is not supported"), error.getMessage());

        json.put("partial_rotary_factor", 1.0);
        writeConfig(json);
        assertEquals(Architecture.PHI3, read().architecture(), "a factor of 1.0 rotates every dimension");
    }
}
