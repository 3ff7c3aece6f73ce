package dev.topiary.ui;

import javafx.animation.AnimationTimer;

/**
 * Records the gaps between JavaFX pulses while it runs. An animation timer asks for a pulse every frame, so a
 * long gap means the FX thread was blocked (or starved) for that long: the window froze.
 */
public final class PulseMonitor {

    private final AnimationTimer timer;
    private long last;
    private long longestGap;
    private long pulses;

    public PulseMonitor() {
        this.timer = new AnimationTimer() {
            @Override
            public void handle(long now) {
                if (last != 0) {
                    longestGap = Math.max(longestGap, now - last);
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

    /** Returns the number of pulses seen. */
    public long pulses() {
        return pulses;
    }
}
