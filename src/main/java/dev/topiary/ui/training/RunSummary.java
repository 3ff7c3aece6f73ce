package dev.topiary.ui.training;

import dev.topiary.training.Evaluation;
import dev.topiary.training.RunResult;
import dev.topiary.training.RunState;
import dev.topiary.ui.Counts;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/** Formats the end of a run for the Train tab: what it did, how well, and where its files are. */
public final class RunSummary {

    private RunSummary() {}

    /** Returns several lines: state and steps, losses, speed, and the folders and files written. */
    public static String format(RunResult result, RunCurves curves) {
        StringBuilder text = new StringBuilder();
        String state = switch (result.state()) {
            case COMPLETED -> "Completed";
            case CANCELLED -> "Cancelled";
            default -> result.state().name();
        };
        text.append(String.format(Locale.ROOT, "%s after %s.%n", state, Counts.of(result.stepsDone(), "step")));
        if (Double.isFinite(result.lastLoss())) {
            text.append(String.format(Locale.ROOT, "Final training loss %.4f.%n", result.lastLoss()));
        }
        Evaluation first = result.firstEvaluation();
        Evaluation last = result.lastEvaluation();
        if (last != null) {
            text.append(String.format(Locale.ROOT, "Held-out loss %.4f, perplexity %.3f at step %d", last.loss(),
                    last.perplexity(), last.step()));
            if (first != null && first.step() != last.step()) {
                text.append(String.format(Locale.ROOT, " (%.4f and %.3f at step %d)", first.loss(),
                        first.perplexity(), first.step()));
            }
            if (Double.isFinite(last.kl())) {
                text.append(String.format(Locale.ROOT, ", KL to the teacher %.4f", last.kl()));
            }
            text.append(".").append(System.lineSeparator());
        }
        double speed = median(curves.values(Metric.TOKENS_PER_SECOND));
        if (Double.isFinite(speed)) {
            text.append(String.format(Locale.ROOT, "Median speed %,.0f training tokens/s.%n", speed));
        }
        text.append("Run folder: ").append(result.folder()).append(System.lineSeparator());
        text.append("Metrics: ").append(result.metricsFile()).append(System.lineSeparator());
        for (Path exported : result.exported()) {
            text.append("Wrote: ").append(exported).append(System.lineSeparator());
        }
        if (result.lastCheckpoint() != null) {
            text.append("Last checkpoint: ").append(result.lastCheckpoint());
            if (result.state() == RunState.CANCELLED) {
                text.append("; topiary distill or lora with --out ").append(result.folder())
                        .append(" --resume continues the run");
            }
        }
        return text.toString().strip();
    }

    /** Returns the median of the finite values, or NaN when there are none. */
    static double median(double[] values) {
        double[] finite = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
        if (finite.length == 0) {
            return Double.NaN;
        }
        int middle = finite.length / 2;
        return finite.length % 2 == 1 ? finite[middle] : (finite[middle - 1] + finite[middle]) / 2;
    }
}
