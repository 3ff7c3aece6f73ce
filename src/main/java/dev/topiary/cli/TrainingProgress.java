package dev.topiary.cli;

import dev.topiary.training.Evaluation;
import dev.topiary.training.RunState;
import dev.topiary.training.StepMetrics;
import dev.topiary.training.TrainingListener;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar on stderr, redrawn at most ten times a second, with each evaluation on a line of its own.
 */
final class TrainingProgress implements TrainingListener {

    private static final int WIDTH = 24;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter err;
    private long lastDrawn;
    private boolean lineOpen;

    TrainingProgress(PrintWriter err) {
        this.err = err;
    }

    @Override
    public void started(int firstStep, int totalSteps) {
        if (firstStep > 1) {
            err.printf("Resuming at step %d of %d%n", firstStep, totalSteps);
            err.flush();
        }
    }

    @Override
    public void stepFinished(StepMetrics metrics) {
        long now = System.nanoTime();
        if (now - lastDrawn < REDRAW_NANOS && metrics.step() != metrics.totalSteps()) {
            return;
        }
        lastDrawn = now;
        int filled = (int) Math.round(metrics.progress() * WIDTH);
        StringBuilder line = new StringBuilder("\r[");
        line.append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ");
        line.append(String.format(Locale.ROOT, "step %d/%d  loss %.4f", metrics.step(), metrics.totalSteps(),
                metrics.loss()));
        if (Double.isFinite(metrics.kl())) {
            line.append(String.format(Locale.ROOT, "  kl %.4f", metrics.kl()));
        }
        line.append(String.format(Locale.ROOT, "  lr %.2e  %,.0f tok/s  ETA %s ", metrics.learningRate(),
                metrics.tokensPerSecond(), duration(metrics.remainingSeconds())));
        err.print(line);
        lineOpen = true;
        if (metrics.step() == metrics.totalSteps()) {
            closeLine();
        }
        err.flush();
    }

    @Override
    public void evaluated(Evaluation evaluation) {
        closeLine();
        err.printf(Locale.ROOT, "eval at step %d: loss %.4f  perplexity %.3f%s%n", evaluation.step(),
                evaluation.loss(), evaluation.perplexity(),
                Double.isFinite(evaluation.kl()) ? String.format(Locale.ROOT, "  kl %.4f", evaluation.kl()) : "");
        err.flush();
    }

    @Override
    public void stateChanged(RunState state) {
        if (state != RunState.RUNNING) {
            closeLine();
        }
    }

    private void closeLine() {
        if (lineOpen) {
            err.println();
            lineOpen = false;
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
