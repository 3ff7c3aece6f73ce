package dev.topiary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topiary.SharedModels;
import dev.topiary.training.StepMetrics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The distill and lora commands end to end on stories260K, through the same entry point as the script. */
class TrainingCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DATA = "sample-prompts/train-stories.txt";

    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void distillWritesModelMetricsAndResumes(@TempDir Path temp) throws Exception {
        String model = SharedModels.stories260K().toString();
        Path out = temp.resolve("run");
        Result first = run("distill", "--teacher", model, "--student", model, "--data", DATA, "--out", out.toString(),
                "--steps", "6", "--batch-size", "4", "--seq-len", "32", "--lr", "1e-3", "--eval-every", "3",
                "--checkpoint-every", "3", "--json");

        assertEquals(0, first.code(), first.err());
        JsonNode summary = JSON.readTree(first.out());
        assertEquals("completed", summary.get("state").asText());
        assertEquals(out.resolve("metrics.jsonl").toString(), summary.get("metrics").asText());
        assertTrue(first.err().contains("step 6/6"), "progress bar on stderr: " + first.err());
        assertTrue(Files.isRegularFile(out.resolve("model/model.safetensors")));
        assertTrue(Files.isRegularFile(out.resolve("run.json")));
        List<String> rows = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertEquals(7, rows.size(), "the evaluation before training, then one row per step");
        JsonNode step = JSON.readTree(rows.get(1));
        for (String field : List.of("step", "loss", "kl", "ce", "lr", "tokens_per_second")) {
            assertTrue(step.has(field), field + " in " + rows.get(1));
        }

        Result again = run("distill", "--out", out.toString(), "--resume");
        assertEquals(2, again.code());
        assertTrue(again.err().startsWith("error: "), again.err());
        assertTrue(again.err().contains("finished all 6 steps"), again.err());

        // The check comes before the models load: these names would fail to load.
        Result missingModels = run("distill", "--out", out.toString(), "--resume", "--teacher", "no-such-teacher",
                "--student", "no-such-student");
        assertEquals(2, missingModels.code());
        assertTrue(missingModels.err().contains("finished all 6 steps"), missingModels.err());
    }

    @Test
    void loraMergesAndPrintsPaths(@TempDir Path temp) throws Exception {
        Path out = temp.resolve("lora");
        Result result = run("lora", "--model", SharedModels.stories260K().toString(), "--data", DATA, "--out",
                out.toString(), "--rank", "2", "--targets", "q_proj,down_proj", "--steps", "4", "--batch-size", "4",
                "--seq-len", "32", "--merge");

        assertEquals(0, result.code(), result.err());
        assertTrue(result.out().contains("Metrics " + out.resolve("metrics.jsonl")), result.out());
        assertTrue(Files.isRegularFile(out.resolve("adapter/adapter_config.json")));
        assertTrue(Files.isRegularFile(out.resolve("adapter/adapter_model.safetensors")));
        assertTrue(Files.isRegularFile(out.resolve("model/config.json")));
        JsonNode run = JSON.readTree(out.resolve("run.json").toFile());
        assertEquals(2, run.get("lora").get("rank").asInt());
        assertEquals("[\"q_proj\",\"down_proj\"]", run.get("lora").get("targets").toString());
    }

    @Test
    void runStoresAbsoluteNormalisedPaths(@TempDir Path temp) throws Exception {
        Path model = SharedModels.stories260K();
        Path workingFolder = Path.of("").toAbsolutePath();
        String relativeModel = workingFolder.relativize(model).toString();
        String unnormalisedData = "sample-prompts/../" + DATA;
        Path out = temp.resolve("lora");
        Result result = run("lora", "--model", relativeModel, "--data", unnormalisedData, "--out", out.toString(),
                "--rank", "2", "--steps", "1", "--batch-size", "2", "--seq-len", "16");

        assertEquals(0, result.code(), result.err());
        assertTrue(relativeModel.startsWith(".."), "the test gives a relative path with '..': " + relativeModel);
        JsonNode run = JSON.readTree(out.resolve("run.json").toFile());
        assertEquals(model.toString(), run.get("models").get("model").asText());
        assertEquals(workingFolder.resolve(DATA).toString(), run.get("data").get("source").asText());
        JsonNode adapter = JSON.readTree(out.resolve("adapter/adapter_config.json").toFile());
        assertEquals(model.toString(), adapter.get("base_model_name_or_path").asText());
    }

    @Test
    void distillRunsFloat16TeacherWithFloat32Student(@TempDir Path temp) throws Exception {
        String model = SharedModels.stories260K().toString();
        Path out = temp.resolve("run");
        Result result = run("distill", "--teacher", model, "--student", model, "--data", DATA, "--out",
                out.toString(), "--steps", "2", "--batch-size", "2", "--seq-len", "16", "--dtype", "float16", "--json");

        assertEquals(0, result.code(), result.err());
        assertEquals("completed", JSON.readTree(result.out()).get("state").asText());
        List<String> rows = Files.readAllLines(out.resolve("metrics.jsonl"));
        double loss = JSON.readTree(rows.get(rows.size() - 1)).get("loss").asDouble();
        assertTrue(Double.isFinite(loss), "loss " + loss);
    }

    @Test
    void loraRejectsFloat16DtypeOption(@TempDir Path temp) {
        Path out = temp.resolve("lora");
        Result result = run("lora", "--model", SharedModels.stories260K().toString(), "--data", DATA, "--out",
                out.toString(), "--steps", "2", "--seq-len", "16", "--dtype", "float16");

        assertEquals(2, result.code(), result.err());
        assertTrue(result.err().contains("--dtype float16 does not apply to lora"), result.err());
        assertTrue(result.err().contains("Leave out --dtype."), result.err());
        assertFalse(result.err().contains("\tat "), "no stack trace: " + result.err());
        assertFalse(Files.exists(out), "no run folder for a rejected run");
    }

    @Test
    void distillHelpSaysDtypeSetsTeacher() {
        PrintStream originalErr = System.err;
        ByteArrayOutputStream picocliWarnings = new ByteArrayOutputStream();
        Result result;
        try {
            System.setErr(new PrintStream(picocliWarnings, true, StandardCharsets.UTF_8));
            result = run("distill", "--help");
        } finally {
            System.setErr(originalErr);
        }
        String help = result.out().replaceAll("\\s+", " ");

        assertEquals(0, result.code(), result.err());
        assertTrue(help.contains("--dtype sets the teacher's dtype"), help);
        assertTrue(help.contains("(default: 10% of --steps)"), help);
        assertFalse(picocliWarnings.toString(StandardCharsets.UTF_8).contains("Could not format"),
                picocliWarnings.toString(StandardCharsets.UTF_8));
    }

    @Test
    void progressLineFitsEightyColumns() {
        StepMetrics metrics = new StepMetrics(9_999, 10_000, 12.3456, 1, 3.2109, 0, 1.5e-4, 1, 123_456, 1,
                45_296, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

        String text = TrainingProgress.text(metrics, TrainingProgress.learningRateFits(metrics));

        assertTrue(text.length() < 80, text.length() + " columns: " + text);
        assertTrue(text.contains("step 9999/10000"), text);
        assertTrue(text.contains("ETA 12:34:56"), text);
    }

    @Test
    void progressLineKeepsItsFields() {
        StepMetrics slow = new StepMetrics(1, 200, 2.5, 2.5, 0.0123, 0, 1.5e-4, 1, 812, 1, 3_600, Double.NaN,
                Double.NaN, Double.NaN, Double.NaN);
        StepMetrics fast = new StepMetrics(150, 200, 12.3456, 2.5, 3.2109, 0, 2e-5, 1, 123_456, 1, 7_199,
                Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        boolean withLearningRate = TrainingProgress.learningRateFits(slow);

        String first = TrainingProgress.text(slow, withLearningRate);
        String later = TrainingProgress.text(fast, withLearningRate);

        StepMetrics longest = new StepMetrics(1, 999, 2.5, 2.5, 0.0123, 0, 1.5e-4, 1, 812, 1, 3_600, Double.NaN,
                Double.NaN, Double.NaN, Double.NaN);

        assertTrue(withLearningRate, "a 200-step run has room for the learning rate");
        assertTrue(TrainingProgress.learningRateFits(longest), "a 999-step run has room for the learning rate");
        assertTrue(first.contains(" lr 1.5e-4 "), first);
        assertTrue(later.contains(" lr 2.0e-5 "), later);
        assertTrue(later.contains(" 123k tok/s "), later);
        assertTrue(later.length() < 80, later.length() + " columns: " + later);
        assertFalse(later.endsWith(" "), "no trailing spaces: '" + later + "'");
    }

    @Test
    void missingTokenizerNamesModel(@TempDir Path temp) {
        Path model = SharedModels.require("tiny-random-llama");
        Result lora = run("lora", "--model", model.toString(), "--data", DATA, "--out", temp.resolve("a").toString());
        Result distill = run("distill", "--teacher", SharedModels.stories260K().toString(), "--student",
                model.toString(), "--data", DATA, "--out", temp.resolve("b").toString());

        assertEquals(2, lora.code(), lora.err());
        assertTrue(lora.err().contains("The LoRA base model " + model + " has no tokenizer"), lora.err());
        assertEquals(2, distill.code(), distill.err());
        assertTrue(distill.err().contains("The student " + model + " has no tokenizer"), distill.err());
    }

    @Test
    void errorsAreOneLine(@TempDir Path temp) throws Exception {
        Path empty = temp.resolve("empty.txt");
        Files.writeString(empty, "");
        String model = SharedModels.stories260K().toString();

        Result emptyData = run("lora", "--model", model, "--data", empty.toString(), "--out",
                temp.resolve("a").toString());
        Result rank = run("lora", "--model", model, "--data", DATA, "--out", temp.resolve("b").toString(), "--rank",
                "100", "--seq-len", "32");
        Result target = run("lora", "--model", model, "--data", DATA, "--out", temp.resolve("c").toString(),
                "--targets", "qkv");

        for (Result result : List.of(emptyData, rank, target)) {
            assertEquals(2, result.code(), result.err());
            assertTrue(result.err().startsWith("error: "), result.err());
            assertFalse(result.err().contains("\tat "), "no stack trace: " + result.err());
        }
        assertTrue(emptyData.err().contains("contains no training text"), emptyData.err());
        assertTrue(rank.err().contains("LoRA rank 100 is larger than"), rank.err());
        assertTrue(target.err().contains("Unknown projection 'qkv'"), target.err());
    }
}
