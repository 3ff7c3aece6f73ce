package dev.topiary.ui.training;

import dev.topiary.training.Evaluation;
import dev.topiary.training.StepMetrics;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects chart points on the training thread and hands them over in batches. A fast run produces hundreds of
 * points a second, so the window drains the buffer a few times a second on the FX thread and redraws once per
 * drain instead of once per point.
 */
public final class PointBuffer {

    /** One value of one metric at one step. */
    public record Point(Metric metric, int step, double value) {}

    private List<Point> pending = new ArrayList<>();

    /**
     * Adds the per-step values of a step: training loss, learning rate and tokens/s. Held-out values come from
     * {@link #addEvaluation} instead, because that also covers the evaluation before the first step.
     */
    public synchronized void addStep(StepMetrics metrics) {
        pending.add(new Point(Metric.TRAIN_LOSS, metrics.step(), metrics.loss()));
        pending.add(new Point(Metric.LEARNING_RATE, metrics.step(), metrics.learningRate()));
        pending.add(new Point(Metric.TOKENS_PER_SECOND, metrics.step(), metrics.tokensPerSecond()));
    }

    /** Adds the held-out loss and perplexity of an evaluation. */
    public synchronized void addEvaluation(Evaluation evaluation) {
        pending.add(new Point(Metric.EVAL_LOSS, evaluation.step(), evaluation.loss()));
        pending.add(new Point(Metric.EVAL_PERPLEXITY, evaluation.step(), evaluation.perplexity()));
    }

    /** Moves every pending point into {@code curves} and returns how many there were. */
    public int drainInto(RunCurves curves) {
        List<Point> points;
        synchronized (this) {
            points = pending;
            pending = new ArrayList<>();
        }
        for (Point point : points) {
            curves.add(point.metric(), point.step(), point.value());
        }
        return points.size();
    }
}
