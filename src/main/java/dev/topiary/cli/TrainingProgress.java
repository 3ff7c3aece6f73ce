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

    private static final int WIDTH = 10;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter err;
    private final ProgressLine line;
    private long lastDrawn;

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
        line.draw(text(metrics));
        if (metrics.step() == metrics.totalSteps()) {
            line.close();
        }
    }

    /**
     * Formats one step in at most {@link ProgressLine#MAX_COLUMNS} columns; the learning rate is left out when the
     * line would be longer, because metrics.jsonl has it for every step.
     */
    static String text(StepMetrics metrics) {
        int filled = (int) Math.round(metrics.progress() * WIDTH);
        String start = "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] "
                + String.format(Locale.ROOT, "step %d/%d loss %.4f", metrics.step(), metrics.totalSteps(),
                        metrics.loss())
                + (Double.isFinite(metrics.kl()) ? String.format(Locale.ROOT, " kl %.4f", metrics.kl()) : "");
        String learningRate = String.format(Locale.ROOT, " lr %.1e", metrics.learningRate());
        String end = String.format(Locale.ROOT, " %,.0f tok/s ETA %s", metrics.tokensPerSecond(),
                duration(metrics.remainingSeconds()));
        String full = start + learningRate + end;
        return full.length() <= ProgressLine.MAX_COLUMNS ? full : start + end;
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
