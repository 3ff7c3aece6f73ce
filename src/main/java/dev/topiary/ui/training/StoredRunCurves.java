package dev.topiary.ui.training;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topiary.training.StoredRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** Reads the curves of a run folder written by a training run: its run.json and metrics.jsonl. */
public final class StoredRunCurves {

    /**
     * A finished or stopped run read back.
     *
     * @param run the settings from run.json
     * @param curves the points of every row of metrics.jsonl
     * @param rows the rows read
     */
    public record Loaded(StoredRun run, RunCurves curves, int rows) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String METRICS_FILE = "metrics.jsonl";

    private StoredRunCurves() {}

    /**
     * Reads a run folder.
     *
     * @throws IOException when run.json or metrics.jsonl is missing or a row is not a JSON object with a step; the
     *     message names the file and line
     */
    public static Loaded read(Path folder) throws IOException {
        if (!Files.isRegularFile(folder.resolve("run.json"))) {
            throw new NoSuchFileException(folder.resolve("run.json").toString(), null, "not found, so " + folder
                    + " is not a training run folder. Choose the output folder of a Train tab, distill or lora run.");
        }
        StoredRun run = StoredRun.read(folder);
        Path file = folder.resolve(METRICS_FILE);
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "not found; the run stopped before its "
                    + "first step, so it has nothing to chart.");
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        RunCurves curves = new RunCurves();
        int rows = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            JsonNode row = parse(file, i + 1, lines.get(i));
            int step = row.get("step").asInt();
            for (Metric metric : Metric.values()) {
                JsonNode value = row.get(metric.key());
                if (value != null && value.isNumber()) {
                    curves.add(metric, step, value.asDouble());
                }
            }
            rows++;
        }
        return new Loaded(run, curves, rows);
    }

    private static JsonNode parse(Path file, int line, String text) throws IOException {
        JsonNode row;
        try {
            row = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IOException(file + " line " + line + " is not valid JSON (" + e.getOriginalMessage()
                    + "). Each line must be one JSON object, as training runs write it.", e);
        }
        if (row == null || !row.isObject() || !row.path("step").canConvertToInt()) {
            throw new IOException(file + " line " + line + " has no whole-number \"step\" field; each row of a "
                    + "metrics file needs one.");
        }
        return row;
    }
}
