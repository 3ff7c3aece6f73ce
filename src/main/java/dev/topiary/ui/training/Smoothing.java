package dev.topiary.ui.training;

/**
 * TensorBoard's scalar smoothing: an exponential moving average with the bias toward the first value removed,
 * so the smoothed curve starts at the first point instead of at zero.
 */
public final class Smoothing {

    /** The largest weight the window offers; at 1 the average would never move from its start. */
    public static final double MAX_WEIGHT = 0.99;

    private Smoothing() {}

    /**
     * Returns the smoothed values: {@code s_n = w s_(n-1) + (1 - w) x_n} divided by {@code 1 - w^n}, where n
     * counts the finite values so far. Values that are not finite are copied through and do not enter the average.
     *
     * @param weight from 0 (no smoothing) to {@link #MAX_WEIGHT}
     */
    public static double[] exponential(double[] values, double weight) {
        if (!(weight >= 0 && weight <= MAX_WEIGHT)) {
            throw new IllegalArgumentException("The smoothing weight must be between 0 and " + MAX_WEIGHT + ", got "
                    + weight + ".");
        }
        double[] smoothed = new double[values.length];
        double average = 0;
        int count = 0;
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                smoothed[i] = values[i];
                continue;
            }
            average = weight * average + (1 - weight) * values[i];
            count++;
            smoothed[i] = average / (1 - Math.pow(weight, count));
        }
        return smoothed;
    }
}
