package dev.topiary.ui.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SmoothingTest {

    @Test
    void weightZeroKeepsValues() {
        double[] values = {3, 1, 4, 1, 5};
        assertArrayEquals(values, Smoothing.exponential(values, 0), 0);
    }

    @Test
    void matchesDebiasedAverageByHand() {
        // w = 0.5: averages 0.5, 0.5*0.5 + 0.5*3 = 1.75, divided by 1 - 0.5^n = 0.5 and 0.75.
        double[] smoothed = Smoothing.exponential(new double[] {1, 3}, 0.5);
        assertEquals(1.0, smoothed[0], 1e-12, "the first value is kept, not pulled toward zero");
        assertEquals(1.75 / 0.75, smoothed[1], 1e-12);
    }

    @Test
    void constantStaysConstant() {
        double[] smoothed = Smoothing.exponential(new double[] {2, 2, 2, 2}, 0.9);
        for (double value : smoothed) {
            assertEquals(2.0, value, 1e-12);
        }
    }

    @Test
    void nanPassesThroughWithoutBreakingAverage() {
        double[] smoothed = Smoothing.exponential(new double[] {1, Double.NaN, 1}, 0.6);
        assertTrue(Double.isNaN(smoothed[1]));
        assertEquals(1.0, smoothed[2], 1e-12);
    }

    @Test
    void rejectsWeightOfOne() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Smoothing.exponential(new double[] {1}, 1.0));
        assertTrue(error.getMessage().contains("0.99"), error.getMessage());
    }
}
