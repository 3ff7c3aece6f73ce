package dev.topiary.ui.training;

import java.util.ArrayDeque;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Estimates the time left in a run from the pace of its recent steps. Unlike {@code StepMetrics.remainingSeconds},
 * which divides the whole session's time by its steps, it leaves out time spent paused and follows a change of
 * pace, such as other work starting on the machine. Use it from one thread.
 */
public final class Eta {

    private final int window;
    /** The newest marks as {step, nanoTime}, oldest first; at most {@code window + 1}. */
    private final ArrayDeque<long[]> marks = new ArrayDeque<>();

    /** @param window how many of the latest steps set the pace */
    public Eta(int window) {
        if (window < 1) {
            throw new IllegalArgumentException("The ETA window must be 1 step or more, got " + window + ".");
        }
        this.window = window;
    }

    /** Records that {@code step} steps were done at {@code nanoTime} (a {@link System#nanoTime()} reading). */
    public void mark(int step, long nanoTime) {
        marks.addLast(new long[] {step, nanoTime});
        while (marks.size() > window + 1) {
            marks.removeFirst();
        }
    }

    /** Forgets the pace so far, as after a pause, and starts again from {@code step} at {@code nanoTime}. */
    public void restart(int step, long nanoTime) {
        marks.clear();
        mark(step, nanoTime);
    }

    /** Returns the estimated seconds until {@code totalSteps} are done, or empty before any step was timed. */
    public OptionalDouble remainingSeconds(int totalSteps) {
        if (marks.size() < 2) {
            return OptionalDouble.empty();
        }
        long[] first = marks.getFirst();
        long[] last = marks.getLast();
        long steps = last[0] - first[0];
        if (steps <= 0) {
            return OptionalDouble.empty();
        }
        double secondsPerStep = (last[1] - first[1]) / 1e9 / steps;
        return OptionalDouble.of(Math.max(0, totalSteps - last[0]) * secondsPerStep);
    }

    /** Formats a duration as whole seconds, minutes and seconds, or hours and minutes: "3 min 05 s". */
    public static String format(double seconds) {
        long whole = Math.max(1, Math.round(seconds));
        if (whole < 60) {
            return whole + " s";
        }
        if (whole < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", whole / 60, whole % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", whole / 3600, whole % 3600 / 60);
    }
}
