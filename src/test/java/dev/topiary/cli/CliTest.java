package dev.topiary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topiary.SharedModels;
import dev.topiary.engine.ComputeDtype;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import org.junit.jupiter.api.io.TempDir;

/** The topiary commands end to end on the real stories260K model, through the same entry point as the script. */
class CliTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void infoPrintsModelShapeAsJson() throws Exception {
        Result result = run("info", "--model", SharedModels.stories260K().toString(), "--json");

        assertEquals(0, result.code(), result.err());
        JsonNode info = JSON.readTree(result.out());
        assertEquals("LlamaForCausalLM", info.get("architecture").asText());
        assertEquals(5, info.get("layers").asInt());
        assertEquals(64, info.get("hidden_size").asInt());
        assertEquals(172, info.get("intermediate_size").asInt());
        assertEquals(8, info.get("attention_heads").asInt());
        assertEquals(4, info.get("key_value_heads").asInt());
        assertEquals(512, info.get("vocab_size").asInt());
        assertEquals(260_032, info.get("parameters").asLong());
        assertEquals("float32", info.get("dtype").asText());
        assertEquals("CPU", info.get("device").asText());
    }

    @Test
    void infoReportsRequestedFloat16() throws Exception {
        Result result = run("info", "--model", SharedModels.stories260K().toString(), "--dtype", "float16", "--json");

        assertEquals(0, result.code(), result.err());
        JsonNode info = JSON.readTree(result.out());
        assertEquals("float16", info.get("dtype").asText());
        assertEquals("F32", info.get("file_dtype").asText());
        assertEquals("0.5 MiB", info.get("memory_weights").asText(), "260,032 parameters x 2 bytes");
    }

    @Test
    void unknownDtypeOptionListsValidValues() {
        Result result = run("info", "--model", SharedModels.stories260K().toString(), "--dtype", "float8");

        assertEquals(2, result.code(), result.out());
        assertTrue(result.err().contains("Invalid value for option '--dtype': 'float8' is not a dtype."), result.err());
        assertTrue(result.err().contains("auto, float32 (f32), float16 (f16, half) or bfloat16 (bf16)"), result.err());
    }

    @Test
    void invalidOptionValueIsOneLine() {
        Result result = run("info", "--model", SharedModels.stories260K().toString(), "--dtype", "float64");

        assertEquals(2, result.code(), result.out());
        assertEquals(1, result.err().strip().lines().count(), result.err());
        assertTrue(result.err().contains(ComputeDtype.VALID_VALUES), result.err());
    }

    @Test
    void zeroBatchSizeNamesOption(@TempDir Path temp) {
        Result result = run("activations", "--model", SharedModels.stories260K().toString(), "--prompts",
                "sample-prompts/stories.txt", "--out", temp.resolve("a").toString(), "--batch-size", "0");

        assertEquals(2, result.code(), result.out());
        assertTrue(result.err().contains("'--batch-size': must be at least 1, got 0."), result.err());
        assertEquals(1, result.err().strip().lines().count(), result.err());
    }

    @Test
    void unknownDeviceOptionListsValidValues() {
        Result result = run("info", "--model", SharedModels.stories260K().toString(), "--device", "tpu");

        assertEquals(2, result.code(), result.out());
        assertTrue(result.err().contains("Invalid device 'tpu' in --device: use auto, cpu or gpu."), result.err());
    }

    @Test
    void benchJsonHasLimitsFractionsAndMemory() throws Exception {
        Result result = run("bench", "--model", SharedModels.stories260K().toString(), "--runs", "1", "--tokens", "4",
                "--capture-prompts", "4", "--batch-size", "2", "--json");

        assertEquals(0, result.code(), result.err());
        JsonNode bench = JSON.readTree(result.out());
        for (String field : new String[] {"limit_memory_bandwidth_gb_per_second", "limit_matmul_gflops",
                "decode_fraction_of_bandwidth", "prefill_fraction_of_matmul", "capture_fraction_of_matmul",
                "generation_peak_heap_mb", "capture_peak_heap_mb"}) {
            assertTrue(bench.has(field), "missing " + field + " in " + bench);
            assertTrue(bench.get(field).asDouble() > 0, field + " is not positive: " + bench.get(field));
        }
        for (String prefix : new String[] {"generation", "capture"}) {
            assertTrue(bench.get(prefix + "_peak_rss_mb").asDouble() > 0, prefix + " resident peak");
            assertTrue(bench.get(prefix + "_peak_native_mb").asDouble() >= 0, prefix + " native peak");
            assertTrue(bench.get(prefix + "_added_native_mb").asDouble() >= 0, prefix + " added native");
        }
        // The test JVM fixes one PyTorch thread through ai.djl.pytorch.num_threads.
        assertEquals(1, bench.get("decode_threads").asInt());
        assertEquals(1, bench.get("prefill_threads").asInt());
        assertTrue(bench.get("limit_measurement_disturbed").isBoolean(), bench.toString());
    }

    @Test
    void benchFlagsFractionAboveOne() {
        Map<String, Object> idle = Map.of("decode_fraction_of_bandwidth", 0.4, "prefill_fraction_of_matmul", 0.9);
        Map<String, Object> busy = Map.of("decode_fraction_of_bandwidth", 0.4, "prefill_fraction_of_matmul", 1.3);

        assertFalse(BenchCommand.limitsDisturbed(idle));
        assertTrue(BenchCommand.limitsDisturbed(busy));
    }

    @Test
    void generateJsonHasTokenIdsAndText() throws Exception {
        Result result = run("generate", "--model", SharedModels.stories260K().toString(), "--prompt",
                "Once upon a time", "--max-tokens", "20", "--temperature", "0", "--json");

        assertEquals(0, result.code(), result.err());
        JsonNode output = JSON.readTree(result.out());
        assertEquals(1, output.get("prompt_tokens").get(0).asInt(), "BOS first");
        assertEquals(20, output.get("generated_tokens").size());
        assertTrue(output.get("text").asText().startsWith(", there was"), output.get("text").asText());
    }

    @Test
    void convertedFolderGeneratesSameIds(@TempDir Path temp) throws Exception {
        Path folder = temp.resolve("hf");
        Result convert = run("convert", "--model", SharedModels.stories260K().toString(), "--out", folder.toString());
        assertEquals(0, convert.code(), convert.err());
        for (String file : new String[] {"config.json", "generation_config.json", "model.safetensors",
                "tokenizer.json", "tokenizer_config.json"}) {
            assertTrue(Files.isRegularFile(folder.resolve(file)), file + " written");
        }

        String[] common = {"--prompt", "The little dog", "--max-tokens", "30", "--temperature", "0", "--json"};
        Result fromFile = run(concat(new String[] {"generate", "--model", SharedModels.stories260K().toString()}, common));
        Result fromFolder = run(concat(new String[] {"generate", "--model", folder.toString()}, common));
        assertEquals(JSON.readTree(fromFile.out()).get("generated_tokens"),
                JSON.readTree(fromFolder.out()).get("generated_tokens"));
    }

    @Test
    void convertJsonListsWrittenFiles(@TempDir Path temp) throws Exception {
        Path folder = temp.resolve("hf");
        Result result = run("convert", "--model", SharedModels.stories260K().toString(), "--out", folder.toString(),
                "--json");

        assertEquals(0, result.code(), result.err());
        JsonNode written = JSON.readTree(result.out());
        assertEquals(folder.toAbsolutePath().normalize().toString(), written.get("out").asText());
        assertTrue(written.get("files").toString().contains("\"model.safetensors\""), written.toString());
    }

    @Test
    void everyCommandTakesJson() {
        CommandLine root = new CommandLine(new TopiaryCommand());

        for (Map.Entry<String, CommandLine> command : root.getSubcommands().entrySet()) {
            assertTrue(command.getValue().getCommandSpec().findOption("--json") != null,
                    command.getKey() + " has no --json");
        }
    }

    @Test
    void convertRefusesNonEmptyTarget(@TempDir Path temp) throws Exception {
        Path existing = temp.resolve("mine");
        Files.createDirectories(existing);
        Files.writeString(existing.resolve("notes.txt"), "keep me");

        Result result = run("convert", "--model", SharedModels.stories260K().toString(), "--out", existing.toString());

        assertEquals(2, result.code());
        assertTrue(result.err().contains("not empty"), result.err());
        assertEquals("keep me", Files.readString(existing.resolve("notes.txt")));
        try (var entries = Files.list(temp)) {
            assertEquals(1, entries.count(), "no temporary folder left behind");
        }
    }

    @Test
    void missingModelGivesOneLineError(@TempDir Path temp) {
        Path missing = temp.resolve("nothing-here.bin");

        Result result = run("info", "--model", missing.toString());

        assertEquals(2, result.code());
        assertTrue(result.err().startsWith("error: "), result.err());
        assertTrue(result.err().contains(missing.toString()), result.err());
        assertTrue(result.err().contains("not found"), result.err());
        assertFalse(result.err().contains("\tat "), "no stack trace: " + result.err());
    }

    @Test
    void promptIdsWorkWithoutTokenizer() throws Exception {
        Result result = run("generate", "--model", SharedModels.require("tiny-random-llama").toString(),
                "--prompt-ids", "1,2,3", "--max-tokens", "3", "--json");

        assertEquals(0, result.code(), result.err());
        assertEquals(3, JSON.readTree(result.out()).get("prompt_tokens").size());
    }

    @Test
    void textPromptWithoutTokenizerIsRejected() {
        Result result = run("generate", "--model", SharedModels.require("tiny-random-llama").toString(),
                "--prompt", "hello");

        assertEquals(2, result.code());
        assertTrue(result.err().contains("--prompt-ids"), result.err());
    }

    @Test
    void activationsWritesAnalysisFolder(@TempDir Path temp) throws Exception {
        Path out = temp.resolve("analysis");
        Result result = run("activations", "--model", SharedModels.stories260K().toString(), "--prompts",
                "sample-prompts/stories.txt", "--out", out.toString(), "--batch-size", "4", "--json");

        assertEquals(0, result.code(), result.err());
        JsonNode summary = JSON.readTree(result.out());
        assertEquals(30, summary.get("prompts").asInt());
        assertEquals(5, summary.get("layers").size());
        for (String file : new String[] {"summary.json", "neurons.csv", "layers.csv", "top_examples.jsonl"}) {
            assertTrue(Files.isRegularFile(out.resolve(file)), file + " written");
        }
        assertEquals(1 + 5 * 172, Files.readAllLines(out.resolve("neurons.csv")).size());
    }

    @Test
    void activationsRejectsBadPromptFile(@TempDir Path temp) throws Exception {
        Path prompts = temp.resolve("prompts.jsonl");
        Files.writeString(prompts, "{\"prompt\": \"no text field\"}\n");

        Result result = run("activations", "--model", SharedModels.stories260K().toString(), "--prompts",
                prompts.toString(), "--out", temp.resolve("out").toString());

        assertEquals(2, result.code());
        assertTrue(result.err().contains(prompts + ": line 1"), result.err());
    }

    @Test
    void nonEmptyOutputFailsBeforeSlowWork(@TempDir Path temp) throws Exception {
        String model = SharedModels.stories260K().toString();
        Path occupied = Files.createDirectories(temp.resolve("occupied"));
        Files.writeString(occupied.resolve("keep.txt"), "mine");
        Path broken = Files.createDirectories(temp.resolve("broken"));
        Files.writeString(broken.resolve("config.json"), "{");

        Result activations = run("activations", "--model", model, "--prompts", "sample-prompts/stories.txt",
                "--out", occupied.toString());
        // A calibration file that does not exist fails when it is read, so the out check must come first.
        Result prune = run("prune", "--model", model, "--out", occupied.toString(), "--method", "activation",
                "--mlp-percent", "25", "--calibration", temp.resolve("missing.txt").toString());
        Result eval = run("eval", "--model", model, "--model", broken.toString(), "--data",
                "sample-prompts/stories.txt");

        assertEquals(2, activations.code(), activations.err());
        assertTrue(activations.err().contains("is not empty"), activations.err());
        assertFalse(activations.err().contains("captured"), "no capture ran: " + activations.err());
        assertEquals(2, prune.code(), prune.err());
        assertTrue(prune.err().contains("is not empty"), prune.err());
        assertEquals(2, eval.code(), eval.err());
        assertTrue(eval.err().contains(broken.toString()), eval.err());
        assertFalse(eval.err().contains("scored"), "no model was scored: " + eval.err());
        assertEquals("mine", Files.readString(occupied.resolve("keep.txt")));
    }

    @Test
    void pruneWritesConsistentSmallerModel(@TempDir Path temp) throws Exception {
        Path out = temp.resolve("pruned");
        Result result = run("prune", "--model", SharedModels.stories260K().toString(), "--out", out.toString(),
                "--method", "l2", "--mlp-percent", "25", "--round-to", "32", "--remove-layers", "1", "--json");

        assertEquals(0, result.code(), result.err());
        JsonNode record = JSON.readTree(result.out());
        assertEquals(260_032, record.get("parameters_before").asLong());
        assertEquals(128, record.get("intermediate_size_after").asInt());
        assertEquals(4, record.get("layers_after").asInt());

        JsonNode config = JSON.readTree(out.resolve("config.json").toFile());
        assertEquals(128, config.get("intermediate_size").asInt());
        assertEquals(4, config.get("num_hidden_layers").asInt());
        assertTrue(config.get("tie_word_embeddings").asBoolean());
        JsonNode header = safetensorsHeader(out.resolve("model.safetensors"));
        assertFalse(header.has("lm_head.weight"), "a tied model writes no lm_head");
        assertEquals("[128,64]", header.get("model.layers.3.mlp.gate_proj.weight").get("shape").toString());
        assertEquals("[64,128]", header.get("model.layers.3.mlp.down_proj.weight").get("shape").toString());
        assertFalse(header.has("model.layers.4.mlp.up_proj.weight"));
        JsonNode provenance = JSON.readTree(out.resolve("topiary.json").toFile());
        assertEquals("[1]", provenance.get("removed_layers").toString());
        assertEquals(record.get("parameters_after").asLong(), provenance.get("parameters_after").asLong());

        Result generated = run("generate", "--model", out.toString(), "--prompt", "Once upon a time", "--max-tokens",
                "10", "--json");
        assertEquals(0, generated.code(), generated.err());
        assertEquals(10, JSON.readTree(generated.out()).get("generated_tokens").size());
    }

    @Test
    void pruneRejectsBadRequests(@TempDir Path temp) throws Exception {
        String model = SharedModels.stories260K().toString();
        Path out = temp.resolve("never");

        Result percent = run("prune", "--model", model, "--out", out.toString(), "--mlp-percent", "150");
        Result everyLayer = run("prune", "--model", model, "--out", out.toString(), "--remove-layers", "0,1,2,3,4");
        Result noTarget = run("prune", "--model", model, "--out", out.toString());
        Result noPairs = run("prune", "--model", model, "--out", out.toString(), "--method", "fairness",
                "--mlp-percent", "10");

        assertEquals(2, percent.code());
        assertTrue(percent.err().contains("150"), percent.err());
        assertEquals(2, everyLayer.code());
        assertTrue(everyLayer.err().contains("keep at least one layer"), everyLayer.err());
        assertEquals(2, noTarget.code());
        assertTrue(noTarget.err().contains("Nothing to prune"), noTarget.err());
        assertEquals(2, noPairs.code());
        assertTrue(noPairs.err().contains("--pairs"), noPairs.err());
        try (var entries = Files.list(temp)) {
            assertEquals(0, entries.count(), "nothing half written");
        }
    }

    @Test
    void pruneRefusesExistingOutput(@TempDir Path temp) throws Exception {
        Path existing = temp.resolve("mine");
        Files.createDirectories(existing);
        Files.writeString(existing.resolve("keep.txt"), "keep me");

        Result result = run("prune", "--model", SharedModels.stories260K().toString(), "--out", existing.toString(),
                "--mlp-percent", "10");

        assertEquals(2, result.code());
        assertTrue(result.err().contains("not empty"), result.err());
        assertEquals("keep me", Files.readString(existing.resolve("keep.txt")));
    }

    @Test
    void fairnessPruneAndBiasReport(@TempDir Path temp) throws Exception {
        String model = SharedModels.stories260K().toString();
        Path out = temp.resolve("fair");

        Result bias = run("bias", "--model", model, "--pairs", "sample-prompts/fairness-pairs-stories.jsonl", "--json");
        Result prune = run("prune", "--model", model, "--out", out.toString(), "--method", "fairness", "--pairs",
                "sample-prompts/fairness-pairs-stories.jsonl", "--mlp-percent", "10", "--json");

        assertEquals(0, bias.code(), bias.err());
        JsonNode report = JSON.readTree(bias.out());
        assertEquals(16, report.get("pairs").asInt());
        assertEquals(5, report.get("layer_mean_abs_difference").size());
        assertTrue(report.get("bias_score").asDouble() > 0);
        assertEquals(0, prune.code(), prune.err());
        assertEquals("fairness", JSON.readTree(prune.out()).get("method").asText());
    }

    @Test
    void malformedPairFileIsRejected(@TempDir Path temp) throws Exception {
        Path pairs = temp.resolve("pairs.tsv");
        Files.writeString(pairs, "only one column\n");

        Result result = run("bias", "--model", SharedModels.stories260K().toString(), "--pairs", pairs.toString());

        assertEquals(2, result.code());
        assertTrue(result.err().contains(pairs + ": line 1"), result.err());
    }

    @Test
    void evalComparesModelsAgainstReference(@TempDir Path temp) throws Exception {
        String original = SharedModels.stories260K().toString();
        Path pruned = temp.resolve("pruned");
        assertEquals(0, run("prune", "--model", original, "--out", pruned.toString(), "--mlp-percent", "50").code());

        Result result = run("eval", "--model", original, "--model", pruned.toString(), "--data",
                "sample-prompts/stories.txt", "--task", "sample-prompts/tasks/story-endings.jsonl", "--reference", original,
                "--speed-tokens", "8", "--json");

        assertEquals(0, result.code(), result.err());
        JsonNode rows = JSON.readTree(result.out()).get("models");
        assertEquals(2, rows.size());
        assertEquals(0, rows.get(0).get("kl_to_reference").asDouble(), 1e-6);
        assertEquals(1, rows.get(0).get("top1_agreement").asDouble(), 1e-12);
        assertTrue(rows.get(1).get("perplexity_vs_first").asDouble() > 1);
        assertTrue(rows.get(0).get("story-endings_accuracy").asDouble() > 0.25);
        assertTrue(rows.get(1).get("decode_tokens_per_second").asDouble() > 0);
    }

    @Test
    void evalMarkdownTable() throws Exception {
        Result result = run("eval", "--model", SharedModels.stories260K().toString(), "--data",
                "sample-prompts/stories.txt", "--speed-tokens", "0", "--format", "markdown");

        assertEquals(0, result.code(), result.err());
        String[] lines = result.out().split("\n");
        assertTrue(lines[0].startsWith("| model | parameters |"), lines[0]);
        assertTrue(lines[1].startsWith("|---|"), lines[1]);
        assertTrue(lines[2].startsWith("| stories260K | 260032 |"), lines[2]);
    }

    @Test
    void evalRejectsReferenceWithOtherVocabulary() throws Exception {
        Result result = run("eval", "--model", SharedModels.stories260K().toString(), "--data",
                "sample-prompts/stories.txt", "--reference", SharedModels.require("tiny-random-llama").toString());

        assertEquals(2, result.code());
        assertTrue(result.err().contains("vocabulary"), result.err());
    }

    private static JsonNode safetensorsHeader(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        long length = java.nio.ByteBuffer.wrap(bytes, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        return JSON.readTree(new String(bytes, 8, (int) length, java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String[] concat(String[] first, String[] second) {
        String[] all = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }
}
