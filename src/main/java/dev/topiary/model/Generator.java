package dev.topiary.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.topiary.activations.ActivationRecorder;
import dev.topiary.activations.SiteKind;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BooleanSupplier;

/** Autoregressive generation with a KV cache. Call on the engine thread. */
public final class Generator {

    private Generator() {}

    /**
     * Generates a continuation of {@code prompt}.
     *
     * @param prompt token ids, BOS included, at least one
     * @param recorder receives the activations of every position, prompt and generated tokens alike; the
     *     end token that stops generation is not run, and cancelling skips the last generated token
     * @param cancelled polled between tokens; generation stops early when it returns true
     */
    public static GenerationResult generate(LanguageModel model, int[] prompt, GenerationOptions options,
            ActivationRecorder recorder, BooleanSupplier cancelled) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("The prompt has no tokens; give at least one token id.");
        }
        int vocabSize = model.config().vocabSize();
        for (int id : prompt) {
            if (id < 0 || id >= vocabSize) {
                throw new IllegalArgumentException("Token id " + id + " is outside the vocabulary (0.."
                        + (vocabSize - 1) + ").");
            }
        }
        int context = model.config().maxPositionEmbeddings();
        if (prompt.length >= context) {
            throw new IllegalArgumentException("The prompt has " + prompt.length + " tokens but the model's context "
                    + "is " + context + " (max_position_embeddings); shorten the prompt.");
        }
        Set<Integer> endTokens = new HashSet<>(model.config().eosTokenIds());
        Sampler sampler = new Sampler(options);
        int limit = Math.min(options.maxNewTokens(), context - prompt.length);
        int[] generated = new int[limit];
        int count = 0;
        StopReason reason = null;
        long prefillNanos = 0;
        long decodeStarted = 0;

        boolean recording = Arrays.stream(SiteKind.values()).anyMatch(recorder::wants);
        try (KvCache cache = new KvCache(model.manager(), model.config().numHiddenLayers(), prompt.length + limit)) {
            int[] input = prompt;
            long started = System.nanoTime();
            while (true) {
                // Once the limit is reached, one more pass runs only so that the recorder receives the last token.
                boolean recordOnly = count == limit;
                if (recordOnly && !recording) {
                    break;
                }
                if (cancelled.getAsBoolean()) {
                    reason = recordOnly ? null : StopReason.CANCELLED;
                    break;
                }
                float[] logits;
                try (NDScope scope = new NDScope()) {
                    NDArray output = model.transformer().forward(new int[][] {input}, cache, recorder, true);
                    logits = output.toFloatArray(); // [1, 1, V]
                }
                if (input == prompt) {
                    prefillNanos = System.nanoTime() - started;
                    decodeStarted = System.nanoTime();
                }
                if (recordOnly) {
                    break;
                }
                int next = sampler.next(logits);
                if (endTokens.contains(next)) {
                    reason = StopReason.END_TOKEN;
                    break;
                }
                generated[count++] = next;
                input = new int[] {next};
            }
        }
        if (reason == null) {
            reason = limit < options.maxNewTokens() ? StopReason.CONTEXT_LENGTH : StopReason.MAX_NEW_TOKENS;
        }
        long decodeNanos = count > 0 ? System.nanoTime() - decodeStarted : 0;
        int[] tokens = Arrays.copyOf(generated, count);
        String text = model.tokenizer() == null ? "" : model.tokenizer().continuation(prompt, tokens);
        return new GenerationResult(prompt, tokens, text, reason, prefillNanos, decodeNanos);
    }
}
