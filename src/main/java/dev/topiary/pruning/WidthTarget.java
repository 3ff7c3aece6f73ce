package dev.topiary.pruning;

/** Turns a user's width target into the number of neurons every layer keeps. */
public final class WidthTarget {

    private WidthTarget() {}

    /**
     * Returns the neurons to keep when removing {@code percent} of {@code intermediateSize}, rounded to a multiple
     * of {@code roundTo} (GPUs run matmuls fastest on such sizes).
     */
    public static int fromPercent(int intermediateSize, double percent, int roundTo) {
        if (!(percent >= 0 && percent < 100)) {
            throw new IllegalArgumentException("The percentage of MLP neurons to remove must be at least 0 and below "
                    + "100, got " + percent + ".");
        }
        return round(intermediateSize * (1 - percent / 100), intermediateSize, roundTo);
    }

    /** Returns the neurons to keep for an expansion ratio {@code intermediate / hidden}, rounded likewise. */
    public static int fromExpansionRatio(int hiddenSize, int intermediateSize, double ratio, int roundTo) {
        if (!(ratio > 0)) {
            throw new IllegalArgumentException("The expansion ratio must be positive, got " + ratio + ".");
        }
        double keep = ratio * hiddenSize;
        if (keep > intermediateSize) {
            throw new IllegalArgumentException("An expansion ratio of " + ratio + " needs " + Math.round(keep)
                    + " neurons, more than the " + intermediateSize + " the model has (ratio "
                    + String.format("%.3f", (double) intermediateSize / hiddenSize) + ").");
        }
        return round(keep, intermediateSize, roundTo);
    }

    private static int round(double keep, int intermediateSize, int roundTo) {
        if (roundTo < 1) {
            throw new IllegalArgumentException("--round-to must be 1 or more, got " + roundTo + ".");
        }
        long rounded = Math.round(keep / roundTo) * roundTo;
        if (rounded > intermediateSize) {
            rounded -= roundTo;
        }
        if (rounded < 1) {
            throw new IllegalArgumentException("Rounding " + Math.round(keep) + " neurons to a multiple of " + roundTo
                    + " leaves none; use a smaller --round-to.");
        }
        return (int) rounded;
    }
}
