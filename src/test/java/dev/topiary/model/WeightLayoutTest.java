package dev.topiary.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.topiary.model.hf.HfConfigReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Checks the layouts and parameter counts a config implies against the tensors TinyHfModel writes. */
class WeightLayoutTest {

    @TempDir
    Path folder;

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("llama", TinyHfModel.llama().attentionBias(true).numKeyValueHeads(2)),
                Arguments.of("qwen2", TinyHfModel.qwen2().numKeyValueHeads(2)),
                Arguments.of("qwen3", TinyHfModel.qwen3().numKeyValueHeads(2).headDim(16)),
                Arguments.of("gemma", TinyHfModel.gemma().numKeyValueHeads(1).headDim(16).tieWordEmbeddings(true)),
                Arguments.of("gemma2", TinyHfModel.gemma2().numHiddenLayers(3).headDim(16).slidingWindow(3)),
                Arguments.of("phi3", TinyHfModel.phi3().numKeyValueHeads(2)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void storedLayoutMatchesCheckpointFile(String name, TinyHfModel tiny) throws Exception {
        ModelConfig config = readConfig(name, tiny);
        Map<String, long[]> stored = WeightLayout.stored(config);

        assertEquals(tiny.tensors().keySet(), stored.keySet());
        tiny.tensors().forEach((tensor, values) -> assertArrayEquals(values.shape(), stored.get(tensor), tensor));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void parameterCountMatchesCheckpointFile(String name, TinyHfModel tiny) throws Exception {
        ModelConfig config = readConfig(name, tiny);
        long stored = tiny.tensors().values().stream().mapToLong(tensor -> tensor.values().length).sum();

        assertEquals(stored, config.parameterCount());
    }

    @Test
    void phi3PartsLieInFusedRowsInOrder() throws Exception {
        ModelConfig config = readConfig("phi3", TinyHfModel.phi3().numKeyValueHeads(2));

        assertEquals(new FusedProjections.Part("model.layers.1.self_attn.qkv_proj.weight", 32, 16),
                FusedProjections.partOf(config, "model.layers.1.self_attn.k_proj.weight"));
        assertEquals(new FusedProjections.Part("model.layers.1.mlp.gate_up_proj.weight", 48, 48),
                FusedProjections.partOf(config, "model.layers.1.mlp.up_proj.weight"));
        assertNull(FusedProjections.partOf(config, "model.layers.1.self_attn.o_proj.weight"));
        assertEquals(List.of("model.layers.0.mlp.gate_proj.weight", "model.layers.0.mlp.up_proj.weight"),
                FusedProjections.partsOf(config, "model.layers.0.mlp.gate_up_proj.weight"));
    }

    private ModelConfig readConfig(String name, TinyHfModel tiny) throws Exception {
        Path model = folder.resolve(name);
        TinyHfModel.writeConfig(model, tiny.configJson());
        return HfConfigReader.read(model.resolve("config.json"), null);
    }
}
