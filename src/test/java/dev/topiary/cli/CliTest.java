package dev.topiary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topiary.SharedModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
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
        assertTrue(result.err().startsWith("error: " + missing), result.err());
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

    private static String[] concat(String[] first, String[] second) {
        String[] all = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }
}
