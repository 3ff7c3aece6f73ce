package dev.topiary.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.topiary.model.Architecture;
import dev.topiary.model.HiddenActivation;
import dev.topiary.model.LayerType;
import dev.topiary.model.ModelConfig;
import dev.topiary.model.RopeScaling;
import dev.topiary.model.hf.HfConfigReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HfFolderWriterTest {

    @TempDir
    Path folder;

    @Test
    void slidingWindowSurvivesConfigRoundTrip() throws Exception {
        for (Architecture architecture : Architecture.values()) {
            if (architecture == Architecture.GEMMA || architecture == Architecture.GEMMA2) {
                continue; // Gemma has no window, and Gemma 2 windows alternate layers (tested below)
            }
            ModelConfig config = new ModelConfig(architecture, 32, 48, 2, 4, 2, 8, 61, 128, 1e-5, 10000, null,
                    false, architecture == Architecture.QWEN2, 3, 1, List.of(2));

            ModelConfig read = roundTrip(config);

            assertEquals(3, read.slidingWindow(), architecture.hfClassName());
            assertTrue(read.isSlidingWindowLayer(0), architecture.hfClassName());
            assertTrue(read.isSlidingWindowLayer(1), architecture.hfClassName());
            assertEquals(config.attentionBias(), read.attentionBias(), architecture.hfClassName());
        }
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void configJsonReadsBackUnchanged(Architecture architecture) throws Exception {
        ModelConfig config = typicalConfig(architecture);

        assertEquals(config, roundTrip(config));
    }

    @Test
    void gemma2ConfigUsesTransformersFieldNames() throws Exception {
        ObjectNode json = HfFolderWriter.configJson(typicalConfig(Architecture.GEMMA2));

        assertEquals("gelu_pytorch_tanh", json.get("hidden_activation").asText());
        assertEquals("gelu_pytorch_tanh", json.get("hidden_act").asText());
        assertEquals(24.0, json.get("query_pre_attn_scalar").asDouble());
        assertEquals(50.0, json.get("attn_logit_softcapping").asDouble());
        assertEquals(30.0, json.get("final_logit_softcapping").asDouble());
        assertEquals(4, json.get("sliding_window").asInt());
        assertEquals("[\"sliding_attention\",\"full_attention\",\"sliding_attention\"]",
                json.get("layer_types").toString());
    }

    @Test
    void phi3ConfigHasNoBiasFields() {
        ObjectNode json = HfFolderWriter.configJson(typicalConfig(Architecture.PHI3));

        assertFalse(json.has("attention_bias"), "Phi3Config has no attention_bias");
        assertFalse(json.has("mlp_bias"), "Phi3Config has no mlp_bias");
        assertEquals("silu", json.get("hidden_act").asText());
    }

    @Test
    void prunedGemma2KeepsEachLayersAttention() throws Exception {
        // Removing layer 0 of sliding, full, sliding leaves full, sliding: the parity default would give the reverse.
        ModelConfig pruned = typicalConfig(Architecture.GEMMA2).withKeptLayers(48, new int[] {1, 2});

        ModelConfig read = roundTrip(pruned);

        assertEquals(List.of(LayerType.FULL_ATTENTION, LayerType.SLIDING_ATTENTION), read.layerTypes());
        assertFalse(read.isSlidingWindowLayer(0));
        assertTrue(read.isSlidingWindowLayer(1));
    }

    /** Returns a config with the options a model of this architecture on the Hub has, shrunk. */
    private static ModelConfig typicalConfig(Architecture architecture) {
        List<Integer> eos = List.of(2);
        return switch (architecture) {
            case LLAMA -> new ModelConfig(architecture, 32, 48, 2, 4, 2, 8, 61, 128, 1e-5, 500000,
                    new RopeScaling(8, 1, 4, 32), true, false, 0, 1, eos);
            case MISTRAL -> new ModelConfig(architecture, 32, 48, 2, 4, 2, 8, 61, 128, 1e-5, 1e6, null, false, false,
                    16, 1, eos);
            case QWEN2 -> new ModelConfig(architecture, 32, 48, 2, 4, 2, 8, 61, 128, 1e-6, 1e6, null, true, true, 0,
                    -1, List.of(2, 3));
            case QWEN3 -> new ModelConfig(architecture, 32, 48, 2, 4, 2, 16, 61, 128, 1e-6, 1e6, null, false, false,
                    0, -1, eos);
            case PHI3 -> new ModelConfig(architecture, 32, 48, 2, 4, 4, 8, 61, 128, 1e-5, 10000, null, false, false,
                    7, 1, eos);
            case GEMMA -> new ModelConfig(architecture, 32, 48, 2, 4, 1, 16, 61, 128, 1e-6, 10000, null, true, false,
                    0, 2, List.of(1), HiddenActivation.GELU_PYTORCH_TANH,
                    List.of(LayerType.FULL_ATTENTION, LayerType.FULL_ATTENTION), 16, 0, 0);
            case GEMMA2 -> new ModelConfig(architecture, 32, 48, 3, 4, 2, 16, 61, 128, 1e-6, 10000, null, true,
                    false, 4, 2, List.of(1), HiddenActivation.GELU_PYTORCH_TANH,
                    List.of(LayerType.SLIDING_ATTENTION, LayerType.FULL_ATTENTION, LayerType.SLIDING_ATTENTION), 24,
                    50, 30);
        };
    }

    /** Writes config.json and generation_config.json as an export does, then reads them back. */
    private ModelConfig roundTrip(ModelConfig config) throws Exception {
        Path model = Files.createDirectories(folder.resolve(config.architecture().modelType() + "-"
                + config.numHiddenLayers()));
        ObjectMapper json = new ObjectMapper();
        json.writeValue(model.resolve("config.json").toFile(), HfFolderWriter.configJson(config));
        json.writeValue(model.resolve("generation_config.json").toFile(), HfFolderWriter.generationConfigJson(config));
        return HfConfigReader.read(model.resolve("config.json"), model.resolve("generation_config.json"));
    }
}
