package dev.topiary.ui;

import java.util.Arrays;
import javafx.animation.AnimationTimer;

/**
 * Records the gaps between JavaFX pulses while it runs. An animation timer asks for a pulse every frame, so a
 * long gap means the FX thread was blocked (or starved) for that long: the window froze.
 */
public final class PulseMonitor {

    private final AnimationTimer timer;
    private long first;
    private long last;
    private long longestGap;
    private long longestGapEnd;
    private long pulses;
    private long[] gaps = new long[1024];

    public PulseMonitor() {
        this.timer = new AnimationTimer() {
            @Override
            public void handle(long now) {
                if (last == 0) {
                    first = now;
                } else {
                    if (now - last > longestGap) {
                        longestGap = now - last;
                        longestGapEnd = now;
                    }
                    if (pulses - 1 >= gaps.length) {
                        gaps = Arrays.copyOf(gaps, gaps.length * 2);
                    }
                    gaps[(int) (pulses - 1)] = now - last;
                }
                last = now;
                pulses++;
            }
        };
    }

    /** Starts recording; call on the FX thread. */
    public void start() {
        last = 0;
        longestGap = 0;
        longestGapEnd = 0;
        pulses = 0;
        timer.start();
    }

    /** Stops recording; call on the FX thread. */
    public void stop() {
        timer.stop();
    }

    /** Returns the longest gap between two pulses in milliseconds. */
    public double longestGapMillis() {
        return longestGap / 1e6;
    }

    /**
     * Returns a percentile of the gaps between pulses in milliseconds, such as 99 for the gap that 99% of gaps do
     * not exceed (nearest rank), or 0 before two pulses. Call after {@link #stop}.
     */
    public double gapPercentileMillis(double percentile) {
        int count = (int) Math.max(0, pulses - 1);
        if (count == 0) {
            return 0;
        }
        long[] sorted = Arrays.copyOf(gaps, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(percentile / 100 * count);
        return sorted[Math.min(count, Math.max(1, rank)) - 1] / 1e6;
    }

    /**
     * Returns when the longest gap began, in seconds after the first pulse, which separates a one-off stall from
     * steady ones.
     */
    public double longestGapStartSeconds() {
        return longestGapEnd == 0 ? 0 : (longestGapEnd - longestGap - first) / 1e9;
    }

    /** Returns the number of pulses seen. */
    public long pulses() {
        return pulses;
    }
}
