package dev.topiary.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topiary.model.LanguageModel;
import dev.topiary.model.ModelFormatException;
import dev.topiary.model.Projection;
import dev.topiary.model.safetensors.SafetensorsFile;
import dev.topiary.model.safetensors.TensorInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LoRA adapters on stories260K: training, PEFT files, loading back and merging. */
class LoraTest {

    private static final int[][] PROMPT = new int[1][];
    private static Stories260K models;
    private static Path trainedRun;

    @BeforeAll
    static void train(@TempDir Path temp) throws Exception {
        models = new Stories260K();
        trainedRun = temp.resolve("lora");
        TrainingConfig config = TrainingConfig.builder().steps(120).batchSize(8).sequenceLength(64)
                .learningRate(1e-2).weightDecay(0).evalEvery(60).checkpointEvery(60).build();
        LoraConfig lora = new LoraConfig(4, 8, 0.05, List.of(Projection.Q_PROJ, Projection.V_PROJ,
                Projection.O_PROJ, Projection.UP_PROJ, Projection.DOWN_PROJ));
        try (LanguageModel base = models.loadOriginal()) {
            PROMPT[0] = base.tokenizer().encode("One day, a little girl named Lily went to the park with her ball.");
            RunResult result = TrainingRun.lora(models.engine, base, Stories260K.trainingData(base, config), config,
                    lora, true, trainedRun, false).run();
            assertEquals(RunState.COMPLETED, result.state());
            assertNull(base.transformer().adapter(), "the adapter is detached when the run ends");
        }
    }

    @AfterAll
    static void close() {
        if (models != null) {
            models.close();
        }
    }

    @Test
    void trainingLowersHeldOutLoss() throws Exception {
        List<String> rows = Files.readAllLines(trainedRun.resolve("metrics.jsonl"));
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(rows.get(0));
        JsonNode last = json.readTree(rows.get(rows.size() - 1));

        assertEquals(0, first.get("step").asInt());
        assertEquals(120, last.get("step").asInt());
        assertTrue(last.get("eval_loss").asDouble() < first.get("eval_loss").asDouble(),
                "held-out loss " + first.get("eval_loss") + " -> " + last.get("eval_loss"));
        assertTrue(json.readTree(rows.get(1)).get("loss").asDouble() > last.get("loss").asDouble(), "training loss");
    }

    @Test
    void adapterOnBaseMatchesMergedModel() throws Exception {
        float[] adapted;
        float[] plain;
        try (LanguageModel base = models.loadOriginal()) {
            plain = Stories260K.logits(base, PROMPT);
            LoraAdapter adapter = PeftAdapter.read(models.engine, trainedRun.resolve("adapter"), base);
            models.engine.call(manager -> {
                adapter.attachTo(base);
                return null;
            });
            adapted = Stories260K.logits(base, PROMPT);
            models.engine.call(manager -> {
                base.transformer().setAdapter(null);
                adapter.close();
                return null;
            });
        }
        try (LanguageModel merged = LanguageModel.load(models.engine, trainedRun.resolve("model"), null)) {
            float[] mergedLogits = Stories260K.logits(merged, PROMPT);
            assertTrue(Stories260K.maxDifference(adapted, mergedLogits) <= 1e-4f,
                    "adapter on base vs merged: " + Stories260K.maxDifference(adapted, mergedLogits));
        }
        assertTrue(Stories260K.maxDifference(adapted, plain) > 1e-3f, "the trained adapter changes the logits");
    }

    @Test
    void peftFilesUsePeftNamesAndShapes() throws Exception {
        Path adapter = trainedRun.resolve("adapter");
        JsonNode config = new ObjectMapper().readTree(adapter.resolve("adapter_config.json").toFile());
        assertEquals("LORA", config.get("peft_type").asText());
        assertEquals("CAUSAL_LM", config.get("task_type").asText());
        assertEquals(4, config.get("r").asInt());
        assertEquals(8.0, config.get("lora_alpha").asDouble());
        assertEquals(0.05, config.get("lora_dropout").asDouble());
        assertEquals("[\"q_proj\",\"v_proj\",\"o_proj\",\"up_proj\",\"down_proj\"]",
                config.get("target_modules").toString());
        assertTrue(config.get("base_model_name_or_path").asText().endsWith("stories260K.bin"));

        try (SafetensorsFile weights = SafetensorsFile.open(adapter.resolve("adapter_model.safetensors"))) {
            assertEquals(5 * 5 * 2, weights.tensors().size(), "A and B for 5 projections in 5 layers");
            TensorInfo down = weights.tensors().get("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight");
            TensorInfo up = weights.tensors().get("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight");
            assertArrayEquals(new long[] {4, 64}, down.shape(), "lora_A is [r, in]");
            assertArrayEquals(new long[] {64, 4}, up.shape(), "lora_B is [out, r]");
            TensorInfo downProj = weights.tensors().get("base_model.model.model.layers.4.mlp.down_proj.lora_A.weight");
            assertArrayEquals(new long[] {4, 172}, downProj.shape(), "down_proj's input is F wide");
            TensorInfo value = weights.tensors().get("base_model.model.model.layers.2.self_attn.v_proj.lora_B.weight");
            assertArrayEquals(new long[] {32, 4}, value.shape(), "v_proj's output is Hkv Dh wide");
        }
    }

    @Test
    void untrainedAdapterChangesNothing() throws Exception {
        try (LanguageModel base = models.loadOriginal()) {
            float[] plain = Stories260K.logits(base, PROMPT);
            LoraAdapter adapter = models.engine.call(manager -> {
                LoraAdapter created = LoraAdapter.create(base, LoraConfig.defaults(), 7);
                created.attachTo(base);
                return created;
            });
            float[] adapted = Stories260K.logits(base, PROMPT);
            models.engine.call(manager -> {
                base.transformer().setAdapter(null);
                adapter.close();
                return null;
            });
            assertArrayEquals(plain, adapted, "B starts at zero");
        }
    }

    @Test
    void rankLargerThanLayerIsRejected(@TempDir Path temp) throws Exception {
        TrainingConfig config = TrainingConfig.builder().steps(1).sequenceLength(32).build();
        try (LanguageModel base = models.loadOriginal()) {
            TrainingData data = Stories260K.trainingData(base, config);
            LoraConfig tooWide = new LoraConfig(33, 16, 0, List.of(Projection.Q_PROJ, Projection.K_PROJ));
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> TrainingRun.lora(models.engine, base, data, config, tooWide, false, temp.resolve("run"),
                            false));
            assertTrue(error.getMessage().contains("LoRA rank 33 is larger than k_proj"), error.getMessage());
            assertTrue(error.getMessage().contains("64 inputs to 32 outputs"), error.getMessage());
        }
    }

    @Test
    void adapterForAnotherModelIsRejected(@TempDir Path temp) throws Exception {
        Path copy = temp.resolve("adapter");
        Files.createDirectories(copy);
        Files.copy(trainedRun.resolve("adapter/adapter_model.safetensors"), copy.resolve("adapter_model.safetensors"));
        String config = Files.readString(trainedRun.resolve("adapter/adapter_config.json"))
                .replace("\"r\" : 4", "\"r\" : 2");
        Files.writeString(copy.resolve("adapter_config.json"), config);
        try (LanguageModel base = models.loadOriginal()) {
            ModelFormatException error = assertThrows(ModelFormatException.class,
                    () -> PeftAdapter.read(models.engine, copy, base));
            assertTrue(error.getMessage().contains("has shape [4, 64] but rank 2"), error.getMessage());
        }
    }
}
