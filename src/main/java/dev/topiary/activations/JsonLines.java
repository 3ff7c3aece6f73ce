package dev.topiary.activations;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads the line-based input files users write by hand (prompt sets, prompt pairs, multiple-choice tasks) with
 * one error style: every message names the file and, for a bad line, its 1-based number.
 */
public final class JsonLines {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LOCATION = "\\[Source: [^\\]]*?; line: \\d+, column: (\\d+)\\]";
    private static final Pattern START_MARKER = Pattern.compile(" \\(start marker at " + LOCATION + "\\)");
    private static final Pattern SOURCE = Pattern.compile(LOCATION);

    /** One non-blank line of a JSONL file, parsed. */
    public record Line(int number, JsonNode node) {}

    private JsonLines() {}

    /** The byte order mark some editors write at the start of a UTF-8 file; it is not part of the text. */
    public static final char BYTE_ORDER_MARK = '\uFEFF';

    /** Reads a UTF-8 text file into lines, without a leading byte order mark. */
    public static List<String> readLines(Path file) throws PromptSetException {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (!lines.isEmpty()) {
                lines.set(0, stripByteOrderMark(lines.get(0)));
            }
            return lines;
        } catch (NoSuchFileException e) {
            throw new PromptSetException(file, "does not exist. Check the path.", e);
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
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                // The line is parsed unstripped, so Jackson's column numbers count from the start of the line.
                parsed.add(new Line(i + 1, JSON.readTree(line)));
            } catch (JsonProcessingException e) {
                String column = e.getLocation() == null ? "" : " at column " + e.getLocation().getColumnNr();
                throw new PromptSetException(file, "line " + (i + 1) + " is not valid JSON" + column + " ("
                        + withoutSource(e.getOriginalMessage()) + "). Each line must be one object such as " + example
                        + ".", e);
            }
        }
        return parsed;
    }

    /**
     * Replaces the locations Jackson writes into some messages, such as "(start marker at [Source: REDACTED
     * (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 1])" for an unclosed object, with
     * the column alone, because the file and line are in our message already.
     */
    public static String withoutSource(String message) {
        String text = START_MARKER.matcher(message).replaceAll(" that starts at column $1");
        return SOURCE.matcher(text).replaceAll("column $1");
    }

    /** Returns the text without a byte order mark at its start. */
    public static String stripByteOrderMark(String text) {
        return !text.isEmpty() && text.charAt(0) == BYTE_ORDER_MARK ? text.substring(1) : text;
    }

    /** Returns the name of a file without its extension. */
    public static String baseName(Path file) {
        String fileName = file.getFileName().toString();
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }
}
