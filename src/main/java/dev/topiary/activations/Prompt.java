package dev.topiary.activations;

/**
 * One prompt of a prompt set.
 *
 * @param id a stable identifier: the JSONL {@code "id"}, or the 1-based line number
 * @param text the prompt text
 * @param group an optional group label (JSONL {@code "group"}), or null
 */
public record Prompt(String id, String text, String group) {}
