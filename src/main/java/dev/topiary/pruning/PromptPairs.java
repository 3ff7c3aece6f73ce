package dev.topiary.pruning;

import com.fasterxml.jackson.databind.JsonNode;
import dev.topiary.activations.JsonLines;
import dev.topiary.activations.PromptSetException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads paired prompts: JSONL with {@code "a"}, {@code "b"} and optional {@code "attribute"} and {@code "id"},
 * or TSV with columns a, b and optional attribute (a first line of {@code a<TAB>b...} is taken as a header).
 */
public final class PromptPairs {

    private static final String EXAMPLE =
            "{\"a\": \"The Black nurse said\", \"b\": \"The white nurse said\", \"attribute\": \"race\"}";

    private PromptPairs() {}

    /** Reads a pair file; the format is chosen by extension ({@code .jsonl}/{@code .json} or anything else as TSV). */
    public static List<PromptPair> read(Path file) throws PromptSetException {
        List<String> lines = JsonLines.readLines(file);
        String name = file.getFileName().toString();
        List<PromptPair> pairs = name.endsWith(".jsonl") || name.endsWith(".json") ? jsonl(file, lines) : tsv(file, lines);
        if (pairs.isEmpty()) {
            throw new PromptSetException(file, "contains no prompt pairs. Write one pair per line as {\"a\": \"...\", "
                    + "\"b\": \"...\", \"attribute\": \"...\"} (JSONL) or a<TAB>b<TAB>attribute (TSV).");
        }
        return pairs;
    }

    private static List<PromptPair> jsonl(Path file, List<String> lines) throws PromptSetException {
        List<PromptPair> pairs = new ArrayList<>();
        for (JsonLines.Line line : JsonLines.parse(file, lines, EXAMPLE)) {
            JsonNode node = line.node();
            if (!node.path("a").isTextual() || !node.path("b").isTextual()) {
                throw new PromptSetException(file, "line " + line.number() + " needs string fields \"a\" and \"b\", "
                        + "as in " + EXAMPLE + ".");
            }
            String id = node.hasNonNull("id") ? node.get("id").asText() : String.valueOf(line.number());
            String attribute = node.hasNonNull("attribute") ? node.get("attribute").asText() : null;
            pairs.add(new PromptPair(id, node.get("a").asText(), node.get("b").asText(), attribute));
        }
        return pairs;
    }

    private static List<PromptPair> tsv(Path file, List<String> lines) throws PromptSetException {
        List<PromptPair> pairs = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || (i == 0 && line.toLowerCase(java.util.Locale.ROOT).startsWith("a\tb"))) {
                continue;
            }
            String[] cells = line.split("\t", -1);
            if (cells.length < 2 || cells[0].isBlank() || cells[1].isBlank()) {
                throw new PromptSetException(file, "line " + (i + 1) + " needs two tab-separated prompts (a, b) and "
                        + "optionally an attribute; found " + cells.length + " column(s).");
            }
            String attribute = cells.length > 2 && !cells[2].isBlank() ? cells[2].strip() : null;
            pairs.add(new PromptPair(String.valueOf(i + 1), cells[0].strip(), cells[1].strip(), attribute));
        }
        return pairs;
    }
}
