package dev.topiary.activations;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A named list of prompts, read from a plain text file (one prompt per non-blank line) or a JSONL file (one
 * object per line with {@code "text"} and optional {@code "id"} and {@code "group"}). A JSONL line of a paired
 * fairness file, with {@code "a"}, {@code "b"} and optional {@code "attribute"}, gives two prompts, ids
 * {@code <id>.a} and {@code <id>.b}, grouped by the attribute.
 *
 * @param name the file name without extension
 * @param source the file it was read from, or null for a set built in code
 * @param prompts the prompts in file order
 */
public record PromptSet(String name, Path source, List<Prompt> prompts) {

    public PromptSet {
        prompts = List.copyOf(prompts);
    }

    /** Builds a set from plain strings, with ids "1", "2", ... */
    public static PromptSet of(String name, List<String> texts) {
        List<Prompt> prompts = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            prompts.add(new Prompt(String.valueOf(i + 1), texts.get(i), null));
        }
        return new PromptSet(name, null, prompts);
    }

    /** Reads a .txt or .jsonl file; the format is chosen by extension, {@code .jsonl} or {@code .json} for JSONL. */
    public static PromptSet read(Path file) throws PromptSetException {
        List<String> lines = JsonLines.readLines(file);
        String fileName = file.getFileName().toString();
        boolean jsonl = fileName.endsWith(".jsonl") || fileName.endsWith(".json");
        List<Prompt> prompts = jsonl ? parseJsonl(file, lines) : parseText(lines);
        if (prompts.isEmpty()) {
            throw new PromptSetException(file, "contains no prompts. Write one prompt per line"
                    + (jsonl ? " as {\"text\": \"...\"}." : "."));
        }
        return new PromptSet(JsonLines.baseName(file), file, prompts);
    }

    private static List<Prompt> parseText(List<String> lines) {
        List<Prompt> prompts = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.isEmpty()) {
                prompts.add(new Prompt(String.valueOf(i + 1), line, null));
            }
        }
        return prompts;
    }

    private static List<Prompt> parseJsonl(Path file, List<String> lines) throws PromptSetException {
        List<Prompt> prompts = new ArrayList<>();
        for (JsonLines.Line line : JsonLines.parse(file, lines, "{\"text\": \"...\"}")) {
            JsonNode node = line.node();
            String id = node.hasNonNull("id") ? node.get("id").asText() : String.valueOf(line.number());
            if (node.path("a").isTextual() && node.path("b").isTextual() && !node.has("text")) {
                String group = node.hasNonNull("attribute") ? node.get("attribute").asText() : null;
                prompts.add(new Prompt(id + ".a", node.get("a").asText(), group));
                prompts.add(new Prompt(id + ".b", node.get("b").asText(), group));
                continue;
            }
            JsonNode text = node.get("text");
            if (text == null || !text.isTextual()) {
                throw new PromptSetException(file, "line " + line.number() + " has no string field \"text\". Each "
                        + "line must be one object such as {\"text\": \"...\", \"id\": \"...\", \"group\": "
                        + "\"...\"}, or a pair {\"a\": \"...\", \"b\": \"...\", \"attribute\": \"...\"}.");
            }
            String group = node.hasNonNull("group") ? node.get("group").asText() : null;
            prompts.add(new Prompt(id, text.asText(), group));
        }
        return prompts;
    }

    /** Returns the number of prompts. */
    public int size() {
        return prompts.size();
    }
}
