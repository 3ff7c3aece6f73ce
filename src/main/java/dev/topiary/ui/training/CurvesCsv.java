package dev.topiary.ui.training;

import java.util.List;

/**
 * Formats charted runs as CSV in long form, one row per point: {@code run,metric,step,value,smoothed}, so that
 * runs with different steps and metrics fit one table. Metric names are the metrics.jsonl keys.
 */
public final class CurvesCsv {

    /** A run's label and its points. */
    public record Run(String label, RunCurves curves) {}

    private CurvesCsv() {}

    /**
     * Returns the CSV text with a header row.
     *
     * @param smoothing the weight of the {@code smoothed} column, as the charts use it
     */
    public static String format(List<Run> runs, double smoothing) {
        StringBuilder csv = new StringBuilder("run,metric,step,value,smoothed\n");
        for (Run run : runs) {
            String label = quote(run.label());
            for (Metric metric : Metric.values()) {
                int[] steps = run.curves().steps(metric);
                double[] values = run.curves().values(metric);
                double[] smoothed = Smoothing.exponential(values, smoothing);
                for (int i = 0; i < steps.length; i++) {
                    csv.append(label).append(',').append(metric.key()).append(',').append(steps[i]).append(',')
                            .append(number(values[i])).append(',').append(number(smoothed[i])).append('\n');
                }
            }
        }
        return csv.toString();
    }

    /** Writes the shortest decimal that reads back as the same double, such as 2.5E-4. */
    private static String number(double value) {
        return Double.toString(value);
    }

    /** Quotes a field as RFC 4180 does when it contains a comma, a quote or a line break. */
    static String quote(String field) {
        if (field.contains(",") || field.contains("\"") || field.contains("\n") || field.contains("\r")) {
            return "\"" + field.replace("\"", "\"\"") + "\"";
        }
        return field;
    }
}
