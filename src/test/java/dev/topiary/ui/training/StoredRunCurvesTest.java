package dev.topiary.ui.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.topiary.training.LoraConfig;
import dev.topiary.training.TrainingConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoredRunCurvesTest {

    @TempDir
    Path temp;

    /** Writes run.json as a LoRA run records it: snake_case fields, enums by their names such as q_proj. */
    private Path runFolder(String metrics) throws IOException {
        ObjectMapper json = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(SerializationFeature.WRITE_ENUMS_USING_TO_STRING);
        ObjectNode run = json.createObjectNode();
        run.put("kind", "lora");
        run.set("training", json.valueToTree(TrainingConfig.builder().steps(3).build()));
        run.set("lora", json.valueToTree(LoraConfig.defaults()));
        run.putObject("models").put("model", "stories260K.bin");
        run.putObject("data").put("fingerprint", "abc");
        Path folder = Files.createDirectories(temp.resolve("lora-1"));
        json.writeValue(folder.resolve("run.json").toFile(), run);
        Files.writeString(folder.resolve("metrics.jsonl"), metrics);
        return folder;
    }

    @Test
    void readsEveryMetricOfEveryRow() throws IOException {
        Path folder = runFolder("""
                {"step":0,"eval_loss":3.0,"eval_ce":3.0,"eval_perplexity":20.08}
                {"step":1,"loss":3.1,"ce":3.1,"lr":1e-4,"grad_norm":1.0,"tokens_per_second":900.0}

                {"step":2,"loss":2.9,"lr":2e-4,"tokens_per_second":950.0,"eval_loss":2.8,"eval_perplexity":16.4}
                """);
        StoredRunCurves.Loaded loaded = StoredRunCurves.read(folder);

        assertEquals(3, loaded.rows());
        assertEquals("lora", loaded.run().kind());
        assertArrayEquals(new int[] {1, 2}, loaded.curves().steps(Metric.TRAIN_LOSS));
        assertArrayEquals(new double[] {3.1, 2.9}, loaded.curves().values(Metric.TRAIN_LOSS), 0);
        assertArrayEquals(new int[] {0, 2}, loaded.curves().steps(Metric.EVAL_LOSS));
        assertArrayEquals(new double[] {20.08, 16.4}, loaded.curves().values(Metric.EVAL_PERPLEXITY), 0);
        assertArrayEquals(new double[] {1e-4, 2e-4}, loaded.curves().values(Metric.LEARNING_RATE), 0);
        assertEquals(950.0, loaded.curves().last(Metric.TOKENS_PER_SECOND));
    }

    @Test
    void rejectsFolderWithoutRunFile() {
        IOException error = assertThrows(IOException.class, () -> StoredRunCurves.read(temp));
        assertTrue(error.getMessage().contains("run.json"), error.getMessage());
        assertTrue(error.getMessage().contains("not a training run folder"), error.getMessage());
    }

    @Test
    void rejectsRowWithoutStepNamingLine() throws IOException {
        Path folder = runFolder("{\"step\":1,\"loss\":2.0}\n{\"loss\":1.0}\n");
        IOException error = assertThrows(IOException.class, () -> StoredRunCurves.read(folder));
        assertTrue(error.getMessage().contains("metrics.jsonl line 2"), error.getMessage());
    }

    @Test
    void rejectsRowThatIsNotJson() throws IOException {
        Path folder = runFolder("{\"step\":1,\"loss\":2.0}\nstep 2 loss 1.0\n");
        IOException error = assertThrows(IOException.class, () -> StoredRunCurves.read(folder));
        assertTrue(error.getMessage().contains("line 2 is not valid JSON"), error.getMessage());
    }
}
