package dev.topiary.activations;

/**
 * One token where a neuron fired strongly.
 *
 * @param value the activation
 * @param promptIndex the prompt's index in its set
 * @param position the token's position in the prompt, BOS at 0
 * @param token the token's text
 * @param context the surrounding text, with the token marked as {@code [[token]]}
 */
public record TopExample(float value, int promptIndex, int position, String token, String context) {}
