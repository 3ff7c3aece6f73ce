package dev.topiary.ui.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.topiary.training.Evaluation;
import dev.topiary.training.StepMetrics;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PointBufferTest {

    private static StepMetrics step(int step, double loss) {
        return new StepMetrics(step, 100, loss, loss, Double.NaN, Double.NaN, 1e-4 * step, 1.0, 1000 + step, step,
                100 - step, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    @Test
    void drainMovesPointsOnce() {
        PointBuffer buffer = new PointBuffer();
        RunCurves curves = new RunCurves();
        buffer.addEvaluation(new Evaluation(0, 2.5, 2.0, Double.NaN, 640));
        buffer.addStep(step(1, 3.0));
        buffer.addStep(step(2, 2.0));

        assertEquals(8, buffer.drainInto(curves), "2 held-out points and 3 points per step");
        assertEquals(0, buffer.drainInto(curves), "a second drain finds nothing");
        assertArrayEquals(new int[] {1, 2}, curves.steps(Metric.TRAIN_LOSS));
        assertArrayEquals(new double[] {3.0, 2.0}, curves.values(Metric.TRAIN_LOSS), 0);
        assertArrayEquals(new double[] {1e-4, 2e-4}, curves.values(Metric.LEARNING_RATE), 1e-15);
        assertArrayEquals(new double[] {1001, 1002}, curves.values(Metric.TOKENS_PER_SECOND), 0);
        assertArrayEquals(new int[] {0}, curves.steps(Metric.EVAL_LOSS));
        assertEquals(Math.exp(2.0), curves.last(Metric.EVAL_PERPLEXITY), 1e-12);
    }

    @Test
    void stepsFromAnotherThreadAllArrive() throws Exception {
        PointBuffer buffer = new PointBuffer();
        RunCurves curves = new RunCurves();
        int steps = 5000;
        Thread producer = new Thread(() -> {
            for (int i = 1; i <= steps; i++) {
                buffer.addStep(step(i, 1.0 / i));
            }
        });
        producer.start();
        List<Integer> drained = new ArrayList<>();
        while (producer.isAlive()) {
            drained.add(buffer.drainInto(curves));
        }
        producer.join();
        buffer.drainInto(curves);

        int[] loggedSteps = curves.steps(Metric.TRAIN_LOSS);
        assertEquals(steps, loggedSteps.length);
        for (int i = 0; i < steps; i++) {
            assertEquals(i + 1, loggedSteps[i], "steps arrive once each and in order");
        }
    }

    @Test
    void curvesSkipValuesThatAreNotFinite() {
        RunCurves curves = new RunCurves();
        curves.add(Metric.TRAIN_LOSS, 1, Double.NaN);
        curves.add(Metric.TRAIN_LOSS, 2, Double.POSITIVE_INFINITY);
        curves.add(Metric.TRAIN_LOSS, 3, 1.5);
        assertEquals(1, curves.size(Metric.TRAIN_LOSS));
        assertEquals(1.5, curves.last(Metric.TRAIN_LOSS));
        assertEquals(Double.NaN, curves.last(Metric.EVAL_LOSS));
    }
}
