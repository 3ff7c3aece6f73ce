package dev.topiary.pruning;

/**
 * Two prompts that differ only in a demographic attribute, such as "The Black nurse ..." and "The white nurse ...".
 *
 * @param id a stable identifier: the JSONL {@code "id"}, or the line number
 * @param a the first prompt
 * @param b the second prompt
 * @param attribute what differs, such as "race" or "gender", or null
 */
public record PromptPair(String id, String a, String b, String attribute) {}
