package dev.topiary.evaluation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.topiary.activations.ActivationRecorder;
import dev.topiary.model.KvCache;
import dev.topiary.model.LanguageModel;
import dev.topiary.model.Sampler;
import java.util.Arrays;

/**
 * Measures prefill and greedy decode speed on the current device: one forward pass over the prompt, then
 * single-token steps with the KV cache, never stopping at end tokens. Call on the engine thread.
 */
public final class SpeedProbe {

    private SpeedProbe() {}

    /** Timings of one run. */
    public record Timing(long prefillNanos, long decodeNanos) {}

    /** Median speeds over several runs. */
    public record Speed(double prefillTokensPerSecond, double decodeTokensPerSecond) {}

    /** Prefills {@code prompt}, then decodes {@code tokens} greedy tokens. */
    public static Timing run(LanguageModel model, int[] prompt, int tokens) {
        if (prompt.length + tokens > model.config().maxPositionEmbeddings()) {
            throw new IllegalArgumentException(tokens + " tokens after a " + prompt.length + "-token prompt pass the "
                    + "model's context of " + model.config().maxPositionEmbeddings() + " tokens.");
        }
        try (KvCache cache = new KvCache(model.manager(), model.config().numHiddenLayers(), prompt.length + tokens)) {
            long started = System.nanoTime();
            int next = step(model, cache, prompt);
            long prefill = System.nanoTime() - started;
            long decodeStarted = System.nanoTime();
            for (int i = 0; i < tokens; i++) {
                next = step(model, cache, new int[] {next});
            }
            return new Timing(prefill, System.nanoTime() - decodeStarted);
        }
    }

    /** Runs once to warm up, then {@code runs} times, and returns the median speeds. */
    public static Speed median(LanguageModel model, int[] prompt, int tokens, int runs) {
        run(model, prompt, tokens);
        double[] prefill = new double[runs];
        double[] decode = new double[runs];
        for (int i = 0; i < runs; i++) {
            Timing timing = run(model, prompt, tokens);
            prefill[i] = prompt.length * 1e9 / timing.prefillNanos();
            decode[i] = tokens * 1e9 / timing.decodeNanos();
        }
        return new Speed(median(prefill), median(decode));
    }

    /** Returns the median of the values. */
    public static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static int step(LanguageModel model, KvCache cache, int[] input) {
        try (NDScope scope = new NDScope()) {
            NDArray logits = model.transformer().forward(new int[][] {input}, cache, ActivationRecorder.NONE, true);
            return Sampler.argmax(logits.toFloatArray());
        }
    }
}
