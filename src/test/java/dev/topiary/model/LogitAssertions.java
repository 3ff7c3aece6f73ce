package dev.topiary.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Compares logit tables [T][V] element by element and reports the worst position and token. */
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
}
