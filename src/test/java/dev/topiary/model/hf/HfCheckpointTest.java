package dev.topiary.model.hf;

import static dev.topiary.model.LogitAssertions.assertLogitsClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.topiary.model.LanguageModel;
import dev.topiary.model.ModelFormatException;
import dev.topiary.model.ModelRuns;
import dev.topiary.model.TinyHfModel;
import dev.topiary.model.safetensors.RawSafetensors;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfCheckpointTest {

    @TempDir
    Path folder;

    @Test
    void rejectsProjectionWithWrongShape() throws Exception {
        TinyHfModel tiny = TinyHfModel.llama().numKeyValueHeads(2);
        Map<String, TinyHfModel.Tensor> tensors = new LinkedHashMap<>(tiny.tensors());
        String name = "model.layers.1.self_attn.k_proj.weight";
        tensors.put(name, new TinyHfModel.Tensor(new long[] {32, 32}, new float[32 * 32]));
        TinyHfModel.writeConfig(folder, tiny.configJson());
        tiny.writeWeights(folder, tensors);
        Path weights = folder.resolve("model.safetensors");

        ModelFormatException error = assertThrows(ModelFormatException.class, () -> HfCheckpoint.read(folder));

        assertEquals(weights, error.file());
        assertTrue(error.getMessage().startsWith(weights.toString()), error.getMessage());
        assertTrue(error.getMessage().contains("tensor '" + name + "' has shape [32, 32]"), error.getMessage());
        assertTrue(error.getMessage().contains("config.json implies [16, 32]"), error.getMessage());
        assertTrue(error.getMessage().contains("num_key_value_heads=2"), error.getMessage());
    }

    @Test
    void rejectsMissingTensor() throws Exception {
        TinyHfModel tiny = TinyHfModel.llama();
        Map<String, TinyHfModel.Tensor> tensors = new LinkedHashMap<>(tiny.tensors());
        String name = "model.layers.1.mlp.down_proj.weight";
        tensors.remove(name);
        TinyHfModel.writeConfig(folder, tiny.configJson());
        tiny.writeWeights(folder, tensors);

        ModelFormatException error = assertThrows(ModelFormatException.class, () -> HfCheckpoint.read(folder));

        assertEquals(folder.resolve("config.json"), error.file());
        assertTrue(error.getMessage().contains("tensor '" + name + "' is missing"), error.getMessage());
        assertTrue(error.getMessage().contains("LlamaForCausalLM"), error.getMessage());
    }

    @Test
    void rejectsPhi3WithSeparateProjections() throws Exception {
        // A Phi-3 folder must store qkv_proj as transformers' Phi3Attention does; split q/k/v names do not load.
        TinyHfModel tiny = TinyHfModel.phi3().numKeyValueHeads(2);
        Map<String, TinyHfModel.Tensor> tensors = new LinkedHashMap<>(tiny.tensors());
        String fused = "model.layers.0.self_attn.qkv_proj.weight";
        tensors.remove(fused);
        tensors.put("model.layers.0.self_attn.q_proj.weight", new TinyHfModel.Tensor(new long[] {32, 32},
                new float[32 * 32]));
        TinyHfModel.writeConfig(folder, tiny.configJson());
        tiny.writeWeights(folder, tensors);

        ModelFormatException error = assertThrows(ModelFormatException.class, () -> HfCheckpoint.read(folder));

        assertEquals(folder.resolve("config.json"), error.file());
        assertTrue(error.getMessage().contains("tensor '" + fused + "' is missing"), error.getMessage());
        assertTrue(error.getMessage().contains("Phi3ForCausalLM"), error.getMessage());
    }

    @Test
    void rejectsPhi3FusedProjectionWithWrongShape() throws Exception {
        TinyHfModel tiny = TinyHfModel.phi3().numKeyValueHeads(2);
        Map<String, TinyHfModel.Tensor> tensors = new LinkedHashMap<>(tiny.tensors());
        String name = "model.layers.1.mlp.gate_up_proj.weight";
        tensors.put(name, new TinyHfModel.Tensor(new long[] {48, 32}, new float[48 * 32]));
        TinyHfModel.writeConfig(folder, tiny.configJson());
        tiny.writeWeights(folder, tensors);

        ModelFormatException error = assertThrows(ModelFormatException.class, () -> HfCheckpoint.read(folder));

        assertTrue(error.getMessage().contains("tensor '" + name + "' has shape [48, 32]"), error.getMessage());
        assertTrue(error.getMessage().contains("config.json implies [96, 32]"), error.getMessage());
    }

    @Test
    void rejectsUnknownDtypeOnWeight() throws Exception {
        for (String dtype : new String[] {"F8_E4M3", "I64"}) {
            Path model = TinyHfModel.llama().write(folder.resolve(dtype));
            Path weights = model.resolve("model.safetensors");
            String name = "model.layers.0.self_attn.q_proj.weight";
            RawSafetensors.editHeader(weights, header -> ((ObjectNode) header.get(name)).put("dtype", dtype));

            ModelFormatException error = assertThrows(ModelFormatException.class, () -> HfCheckpoint.read(model));

            assertEquals(weights, error.file());
            assertTrue(error.getMessage().contains("tensor '" + name + "' has dtype '" + dtype + "'"),
                    error.getMessage());
            assertTrue(error.getMessage().contains("supported: F32, F16, BF16"), error.getMessage());
        }
    }

    @Test
    void rejectsTruncatedWeights() throws Exception {
        TinyHfModel.llama().write(folder);
        Path weights = folder.resolve("model.safetensors");
        try (RandomAccessFile file = new RandomAccessFile(weights.toFile(), "rw")) {
            file.setLength(file.length() - 100);
        }

        ModelFormatException error = assertThrows(ModelFormatException.class, () -> HfCheckpoint.read(folder));

        assertEquals(weights, error.file());
        assertTrue(error.getMessage().contains("tensor 'lm_head.weight' ends at byte"), error.getMessage());
        assertTrue(error.getMessage().contains("truncated"), error.getMessage());
    }

    @Test
    void rejectsHeaderLengthPastEndOfWeights() throws Exception {
        TinyHfModel.llama().write(folder);
        Path weights = folder.resolve("model.safetensors");
        long headerLength = RawSafetensors.headerLength(weights);
        try (RandomAccessFile file = new RandomAccessFile(weights.toFile(), "rw")) {
            file.setLength(8 + headerLength / 2);
        }

        ModelFormatException error = assertThrows(ModelFormatException.class, () -> HfCheckpoint.read(folder));

        assertEquals(weights, error.file());
        assertTrue(error.getMessage().contains("header length is " + headerLength + " bytes"), error.getMessage());
    }

    @Test
    void rejectsMissingShard() throws Exception {
        TinyHfModel.llama().shards(2).write(folder);
        Path shard = folder.resolve("model-00002-of-00002.safetensors");
        Files.delete(shard);

        ModelFormatException error = assertThrows(ModelFormatException.class, () -> HfCheckpoint.read(folder));

        assertEquals(shard, error.file());
        assertTrue(error.getMessage().contains("listed in model.safetensors.index.json but missing"),
                error.getMessage());
    }

    @Test
    void rejectsFolderWithoutWeights() throws Exception {
        TinyHfModel.writeConfig(folder, TinyHfModel.llama().configJson());

        ModelFormatException error = assertThrows(ModelFormatException.class, () -> HfCheckpoint.read(folder));

        assertEquals(folder, error.file());
        assertTrue(error.getMessage().contains("no model.safetensors or model.safetensors.index.json"),
                error.getMessage());
    }

    @Test
    void rejectsFolderWithoutConfig() {
        ModelFormatException error = assertThrows(ModelFormatException.class, () -> HfCheckpoint.read(folder));

        assertEquals(folder, error.file());
        assertTrue(error.getMessage().contains("no config.json"), error.getMessage());
    }

    @Test
    void tiedModelIgnoresStoredLmHead() throws Exception {
        // Some exports store lm_head beside tied embeddings. transformers ties it to the embedding, so its
        // values must not be used.
        TinyHfModel tiny = TinyHfModel.llama().tieWordEmbeddings(true).seed(31);
        Map<String, TinyHfModel.Tensor> tensors = new LinkedHashMap<>(tiny.tensors());
        tensors.put("lm_head.weight", new TinyHfModel.Tensor(new long[] {tiny.vocabSize(), 32},
                new float[tiny.vocabSize() * 32]));
        TinyHfModel.writeConfig(folder, tiny.configJson());
        tiny.writeWeights(folder, tensors);
        int[] prompt = {4, 9, 16, 25, 36};

        LanguageModel model = ModelRuns.load(folder);
        try {
            assertLogitsClose(tiny.reference().logits(prompt), ModelRuns.logits(model, prompt), 1e-4);
        } finally {
            ModelRuns.close(model);
        }
    }
}
