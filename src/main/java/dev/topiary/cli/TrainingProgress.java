package dev.topiary.cli;

import dev.topiary.training.Evaluation;
import dev.topiary.training.RunState;
import dev.topiary.training.StepMetrics;
import dev.topiary.training.TrainingListener;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A one-line progress bar on stderr, under 80 columns and redrawn at most ten times a second, with each evaluation
 * on a line of its own.
 */
final class TrainingProgress implements TrainingListener {

    /** Width of the bar in characters, small enough that runs of up to 999 steps keep the learning rate. */
    private static final int WIDTH = 6;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter err;
    private final ProgressLine line;
    private long lastDrawn;
    private Boolean showLearningRate;

    TrainingProgress(PrintWriter err) {
        this.err = err;
        this.line = new ProgressLine(err);
    }

    @Override
    public void started(int firstStep, int totalSteps) {
        if (firstStep > 1) {
            err.printf("Resuming at step %d of %d%n", firstStep, totalSteps);
            err.flush();
        }
    }

    @Override
    public void exportingFromCheckpoint(int step, Path checkpoint) {
        err.printf("The run reached its final step %d before it stopped; writing its results from %s without "
                + "training%n", step, checkpoint);
        err.flush();
    }

    @Override
    public void stepFinished(StepMetrics metrics) {
        long now = System.nanoTime();
        if (now - lastDrawn < REDRAW_NANOS && metrics.step() != metrics.totalSteps()) {
            return;
        }
        lastDrawn = now;
        if (showLearningRate == null) {
            showLearningRate = learningRateFits(metrics);
        }
        line.draw(text(metrics, showLearningRate));
        if (metrics.step() == metrics.totalSteps()) {
            line.close();
        }
    }

    /**
     * Returns whether a line with the learning rate fits {@link ProgressLine#MAX_COLUMNS} for the rest of the run.
     * The choice is made once per run from the widest values a normal run shows (loss and KL up to 99.9999, 9,999
     * tokens per second, nine hours left), so the line keeps the same fields from step to step.
     */
    static boolean learningRateFits(StepMetrics metrics) {
        StepMetrics widest = new StepMetrics(metrics.totalSteps(), metrics.totalSteps(), 99.9999,
                metrics.crossEntropy(), Double.isFinite(metrics.kl()) ? 99.9999 : Double.NaN, metrics.hiddenLoss(),
                metrics.learningRate(), metrics.gradientNorm(), 9_999, metrics.elapsedSeconds(), 9 * 3600 + 3599,
                Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        return text(widest, true).length() <= ProgressLine.MAX_COLUMNS;
    }

    /**
     * Formats one step; metrics.jsonl has the learning rate of every step when the line leaves it out. A value
     * wider than usual, such as a loss of 100 or more, can make the line longer than {@link ProgressLine#MAX_COLUMNS},
     * and {@link ProgressLine#draw} then cuts it.
     */
    static String text(StepMetrics metrics, boolean withLearningRate) {
        int filled = (int) Math.round(metrics.progress() * WIDTH);
        StringBuilder text = new StringBuilder("[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] ");
        text.append(String.format(Locale.ROOT, "step %d/%d loss %.4f", metrics.step(), metrics.totalSteps(),
                metrics.loss()));
        if (Double.isFinite(metrics.kl())) {
            text.append(String.format(Locale.ROOT, " kl %.4f", metrics.kl()));
        }
        if (withLearningRate) {
            text.append(" lr ").append(learningRate(metrics.learningRate()));
        }
        text.append(' ').append(tokensPerSecond(metrics.tokensPerSecond())).append(" tok/s ETA ")
                .append(duration(metrics.remainingSeconds()));
        return text.toString();
    }

    /** Formats a learning rate with two significant digits and no leading zero in the exponent: 1.5e-4, 2.0e-4. */
    private static String learningRate(double rate) {
        return String.format(Locale.ROOT, "%.1e", rate).replace("e-0", "e-").replace("e+0", "e+");
    }

    /** Formats a throughput in 5 characters or fewer: 9,999 at most, then 12k, 123k and 1.2M. */
    private static String tokensPerSecond(double rate) {
        if (!Double.isFinite(rate) || rate < 9_999.5) {
            return String.format(Locale.ROOT, "%,.0f", Double.isFinite(rate) ? rate : 0);
        }
        if (rate < 999_500) {
            return String.format(Locale.ROOT, "%.0fk", rate / 1e3);
        }
        return String.format(Locale.ROOT, "%.1fM", rate / 1e6);
    }

    @Override
    public void evaluated(Evaluation evaluation) {
        line.close();
        err.printf(Locale.ROOT, "eval at step %d: loss %.4f  perplexity %.3f%s%n", evaluation.step(),
                evaluation.loss(), evaluation.perplexity(),
                Double.isFinite(evaluation.kl()) ? String.format(Locale.ROOT, "  kl %.4f", evaluation.kl()) : "");
        err.flush();
    }

    @Override
    public void stateChanged(RunState state) {
        if (state != RunState.RUNNING) {
            line.close();
        }
    }

    private static String duration(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "?";
        }
        long total = Math.round(seconds);
        return total >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
                : String.format(Locale.ROOT, "%d:%02d", total / 60, total % 60);
    }
}
