package dev.topiary.ui.training;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * The charted values of one run: for each {@link Metric}, points in the order they arrived, steps on x. Not
 * thread-safe: the window fills and reads it on the FX thread only, through {@link PointBuffer}.
 */
public final class RunCurves {

    private final Map<Metric, Curve> curves = new EnumMap<>(Metric.class);

    public RunCurves() {
        for (Metric metric : Metric.values()) {
            curves.put(metric, new Curve());
        }
    }

    /** Appends a point; values that are not finite are skipped, as metrics.jsonl skips them. */
    public void add(Metric metric, int step, double value) {
        if (Double.isFinite(value)) {
            curves.get(metric).add(step, value);
        }
    }

    /** Returns the number of points of a metric. */
    public int size(Metric metric) {
        return curves.get(metric).size;
    }

    /** Returns a copy of the steps of a metric's points. */
    public int[] steps(Metric metric) {
        Curve curve = curves.get(metric);
        return Arrays.copyOf(curve.steps, curve.size);
    }

    /** Returns a copy of the values of a metric's points. */
    public double[] values(Metric metric) {
        Curve curve = curves.get(metric);
        return Arrays.copyOf(curve.values, curve.size);
    }

    /** Returns the last value of a metric, or NaN when it has no points. */
    public double last(Metric metric) {
        Curve curve = curves.get(metric);
        return curve.size == 0 ? Double.NaN : curve.values[curve.size - 1];
    }

    /** A growable pair of arrays, so that a run of many thousand steps keeps no boxed points. */
    private static final class Curve {
        private int[] steps = new int[64];
        private double[] values = new double[64];
        private int size;

        void add(int step, double value) {
            if (size == steps.length) {
                steps = Arrays.copyOf(steps, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            steps[size] = step;
            values[size] = value;
            size++;
        }
    }
}
