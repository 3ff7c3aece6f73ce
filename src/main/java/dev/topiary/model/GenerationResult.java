package dev.topiary.model;

/**
 * The outcome of one generation.
 *
 * @param promptTokens the prompt's token ids, BOS included
 * @param generatedTokens the new token ids; the stop token, if one was produced, is not included
 * @param text the decoded continuation
 * @param stoppedAtEndToken whether generation ended at an end token rather than the token limit
 * @param prefillNanos time for the forward pass over the prompt
 * @param decodeNanos time for all following single-token steps
 */
public record GenerationResult(int[] promptTokens, int[] generatedTokens, String text, boolean stoppedAtEndToken,
        long prefillNanos, long decodeNanos) {

    /** Returns decode speed in tokens per second, or 0 when nothing was decoded after the first token. */
    public double decodeTokensPerSecond() {
        int steps = Math.max(0, generatedTokens.length - 1);
        return decodeNanos == 0 ? 0 : steps * 1e9 / decodeNanos;
    }
}
