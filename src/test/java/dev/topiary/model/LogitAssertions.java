package dev.topiary.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

/**
 * Compares logit tables [T][V] element by element and reports the worst position and token, and checks cached
 * decoding against a full forward pass.
 */
public final class LogitAssertions {

    private LogitAssertions() {}

    /** Asserts that every logit differs from the expected one by at most {@code tolerance}. */
    public static void assertLogitsClose(double[][] expected, float[][] actual, double tolerance) {
        assertEquals(expected.length, actual.length, "number of positions");
        int worstPosition = 0;
        int worstToken = 0;
        double worst = -1;
        for (int t = 0; t < expected.length; t++) {
            assertEquals(expected[t].length, actual[t].length, "vocabulary size at position " + t);
            for (int v = 0; v < expected[t].length; v++) {
                double difference = Math.abs(expected[t][v] - actual[t][v]);
                if (!(difference <= worst)) {
                    worst = difference;
                    worstPosition = t;
                    worstToken = v;
                }
            }
        }
        assertTrue(worst <= tolerance, "position " + worstPosition + ", token " + worstToken + ": expected "
                + expected[worstPosition][worstToken] + " but got " + actual[worstPosition][worstToken]
                + ", a difference of " + worst + " > " + tolerance);
    }

    /** Asserts the same for two engine results. */
    public static void assertLogitsClose(float[][] expected, float[][] actual, double tolerance) {
        assertLogitsClose(widen(expected), actual, tolerance);
    }

    /** Returns the largest absolute difference between two logit tables of the same shape. */
    public static double maxDifference(double[][] first, double[][] second) {
        double max = 0;
        for (int t = 0; t < first.length; t++) {
            for (int v = 0; v < first[t].length; v++) {
                max = Math.max(max, Math.abs(first[t][v] - second[t][v]));
            }
        }
        return max;
    }

    private static double[][] widen(float[][] values) {
        double[][] result = new double[values.length][];
        for (int t = 0; t < values.length; t++) {
            result[t] = new double[values[t].length];
            for (int v = 0; v < values[t].length; v++) {
                result[t][v] = values[t][v];
            }
        }
        return result;
    }

    /**
     * Runs a tiny checkpoint over {@code prompt} in one forward pass and again with a KV cache ({@code prefill}
     * tokens, then one token at a time), and checks that the cached logits equal the full pass's at the same
     * positions and that the last equal the independent reference's.
     */
    public static void assertCachedDecodeMatches(TinyHfModel tiny, Path folder, int[] prompt,
            int prefill, double tolerance) throws Exception {
        LanguageModel model = ModelRuns.load(tiny.write(folder));
        try {
            float[][] full = ModelRuns.logits(model, prompt);
            float[][] cached = ModelRuns.cachedLogits(model, prompt, prefill);

            assertEquals(prompt.length - prefill + 1, cached.length);
            float[][] fullAtSamePositions = new float[cached.length][];
            for (int pass = 0; pass < cached.length; pass++) {
                fullAtSamePositions[pass] = full[prefill - 1 + pass];
            }
            assertLogitsClose(fullAtSamePositions, cached, tolerance);
            double[][] reference = tiny.reference().logits(prompt);
            assertLogitsClose(new double[][] {reference[prompt.length - 1]},
                    new float[][] {cached[cached.length - 1]}, tolerance);
        } finally {
            ModelRuns.close(model);
        }
    }
}
