package dev.topiary.activations;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the line-based input files users write by hand (prompt sets, prompt pairs, multiple-choice tasks) with
 * one error style: every message names the file and, for a bad line, its 1-based number.
 */
public final class JsonLines {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One non-blank line of a JSONL file, parsed. */
    public record Line(int number, JsonNode node) {}

    private JsonLines() {}

    /** Reads a UTF-8 text file into lines. */
    public static List<String> readLines(Path file) throws PromptSetException {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (MalformedInputException e) {
            throw new PromptSetException(file, "is not UTF-8 text. Save it as UTF-8.", e);
        } catch (IOException e) {
            throw new PromptSetException(file, "cannot be read (" + e.getMessage() + ").", e);
        }
    }

    /**
     * Parses each non-blank line as one JSON value.
     *
     * @param example a valid line, quoted in the message when a line is not JSON
     */
    public static List<Line> parse(Path file, List<String> lines, String example) throws PromptSetException {
        List<Line> parsed = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            try {
                parsed.add(new Line(i + 1, JSON.readTree(line)));
            } catch (JsonProcessingException e) {
                throw new PromptSetException(file, "line " + (i + 1) + " is not valid JSON (" + e.getOriginalMessage()
                        + "). Each line must be one object such as " + example + ".", e);
            }
        }
        return parsed;
    }

    /** Returns the name of a file without its extension. */
    public static String baseName(Path file) {
        String fileName = file.getFileName().toString();
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }
}
