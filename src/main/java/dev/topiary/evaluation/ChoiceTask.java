package dev.topiary.evaluation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.topiary.activations.JsonLines;
import dev.topiary.activations.PromptSetException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A multiple-choice task read from JSONL, one item per line, in the shape lm-evaluation-harness uses for
 * HellaSwag- and BoolQ-like tasks: a context, a list of choices and the index of the gold choice. Field names
 * {@code context} (or {@code ctx}, {@code query}), {@code choices} (or {@code endings}) and {@code gold} (or
 * {@code label}, {@code answer}) are accepted. A choice is scored as a continuation of the context, so it
 * usually starts with a space.
 *
 * @param name the file name without extension
 * @param items the items in file order
 */
public record ChoiceTask(String name, List<Item> items) {

    private static final String EXAMPLE = "{\"context\": \"...\", \"choices\": [\" a\", \" b\"], \"gold\": 0}";

    /** One question. */
    public record Item(String context, List<String> choices, int gold) {}

    public ChoiceTask {
        items = List.copyOf(items);
    }

    /** Reads a task file. */
    public static ChoiceTask read(Path file) throws PromptSetException {
        List<Item> items = new ArrayList<>();
        for (JsonLines.Line line : JsonLines.parse(file, JsonLines.readLines(file), EXAMPLE)) {
            items.add(parse(file, line.number(), line.node()));
        }
        if (items.isEmpty()) {
            throw new PromptSetException(file, "contains no items. Write one JSON object per line: " + EXAMPLE + ".");
        }
        return new ChoiceTask(JsonLines.baseName(file), items);
    }

    private static Item parse(Path file, int lineNumber, JsonNode node) throws PromptSetException {
        JsonNode context = first(node, "context", "ctx", "query");
        JsonNode choices = first(node, "choices", "endings");
        JsonNode gold = first(node, "gold", "label", "answer");
        if (context == null || !context.isTextual()) {
            throw new PromptSetException(file, "line " + lineNumber + " has no string \"context\" (or \"ctx\", "
                    + "\"query\").");
        }
        if (choices == null || !choices.isArray() || choices.size() < 2) {
            throw new PromptSetException(file, "line " + lineNumber + " needs \"choices\" (or \"endings\"): a list of "
                    + "at least two strings.");
        }
        if (gold == null || !gold.canConvertToInt()) {
            throw new PromptSetException(file, "line " + lineNumber + " has no gold index: add \"gold\" (or "
                    + "\"label\", \"answer\") with the 0-based index of the correct choice.");
        }
        int goldIndex = gold.asInt();
        if (goldIndex < 0 || goldIndex >= choices.size()) {
            throw new PromptSetException(file, "line " + lineNumber + " has gold index " + goldIndex + " but only "
                    + choices.size() + " choices (0.." + (choices.size() - 1) + ").");
        }
        List<String> texts = new ArrayList<>();
        choices.forEach(choice -> texts.add(choice.asText()));
        return new Item(context.asText(), texts, goldIndex);
    }

    private static JsonNode first(JsonNode node, String... names) {
        for (String name : names) {
            if (node != null && node.has(name)) {
                return node.get(name);
            }
        }
        return null;
    }
}
