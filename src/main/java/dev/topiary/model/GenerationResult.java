package dev.topiary.model;

/**
 * The outcome of one generation.
 *
 * @param promptTokens the prompt's token ids, BOS included
 * @param generatedTokens the new token ids; the stop token, if one was produced, is not included
 * @param text the decoded continuation
 * @param stopReason why generation ended
 * @param prefillNanos time for the forward pass over the prompt
 * @param decodeNanos time for all following single-token steps
 */
public record GenerationResult(int[] promptTokens, int[] generatedTokens, String text, StopReason stopReason,
        long prefillNanos, long decodeNanos) {

    /** Returns whether generation ended at one of the model's end tokens. */
    public boolean stoppedAtEndToken() {
        return stopReason == StopReason.END_TOKEN;
    }

    /** Returns decode speed in tokens per second, or 0 when nothing was decoded after the first token. */
    public double decodeTokensPerSecond() {
        int steps = Math.max(0, generatedTokens.length - 1);
        return decodeNanos == 0 ? 0 : steps * 1e9 / decodeNanos;
    }
}
