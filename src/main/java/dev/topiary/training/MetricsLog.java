package dev.topiary.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run's metrics as JSON Lines, one object per logged step, flushed after each. Values that a step does not
 * have (NaN) are left out of its row, and so is any other value that is not finite.
 */
final class MetricsLog implements AutoCloseable {

    static final String FILE = "metrics.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BufferedWriter writer;

    /**
     * Opens the log for appending.
     *
     * @param keepUpToStep on a resume, the checkpoint's step: rows of later steps, which the resumed run will
     *     compute again, are removed first; -1 starts an empty log
     */
    MetricsLog(Path file, int keepUpToStep) throws IOException {
        if (keepUpToStep < 0) {
            Files.deleteIfExists(file);
        } else if (Files.isRegularFile(file)) {
            List<String> kept = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode row = JSON.readTree(line);
                if (row.path("step").asInt(Integer.MAX_VALUE) <= keepUpToStep) {
                    kept.add(line);
                }
            }
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(temporary, kept, StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /** Appends one row, leaving out values that are not finite. */
    void write(Map<String, Object> row) throws IOException {
        Map<String, Object> clean = new LinkedHashMap<>();
        row.forEach((key, value) -> {
            if (!(value instanceof Double number && !Double.isFinite(number))) {
                clean.put(key, value);
            }
        });
        writer.write(JSON.writeValueAsString(clean));
        writer.newLine();
        writer.flush();
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}
