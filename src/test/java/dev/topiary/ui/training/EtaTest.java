package dev.topiary.ui.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class EtaTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void emptyBeforeFirstStep() {
        Eta eta = new Eta(5);
        eta.restart(0, 0);
        assertFalse(eta.remainingSeconds(100).isPresent());
    }

    @Test
    void paceOfStepsTimesStepsLeft() {
        Eta eta = new Eta(5);
        eta.restart(0, 0);
        eta.mark(1, 2 * SECOND);
        eta.mark(2, 4 * SECOND);
        assertEquals(98 * 2.0, eta.remainingSeconds(100).getAsDouble(), 1e-9);
    }

    @Test
    void windowFollowsChangeOfPace() {
        Eta eta = new Eta(2);
        eta.restart(0, 0);
        eta.mark(1, 10 * SECOND);
        eta.mark(2, 11 * SECOND);
        eta.mark(3, 12 * SECOND);
        // Only steps 2 and 3, at 1 s each, count.
        assertEquals(7.0, eta.remainingSeconds(10).getAsDouble(), 1e-9);
    }

    @Test
    void pauseLeftOutAfterRestart() {
        Eta eta = new Eta(10);
        eta.restart(0, 0);
        eta.mark(1, SECOND);
        eta.mark(2, 2 * SECOND);
        // Paused for an hour after step 2.
        eta.restart(2, 3602 * SECOND);
        eta.mark(3, 3603 * SECOND);
        assertEquals(7.0, eta.remainingSeconds(10).getAsDouble(), 1e-9);
    }

    @Test
    void zeroLeftAtLastStep() {
        Eta eta = new Eta(3);
        eta.restart(9, 0);
        eta.mark(10, SECOND);
        assertEquals(0.0, eta.remainingSeconds(10).getAsDouble());
    }

    @Test
    void formatsSecondsMinutesHours() {
        assertEquals("1 s", Eta.format(0.2));
        assertEquals("59 s", Eta.format(59));
        assertEquals("3 min 05 s", Eta.format(185));
        assertEquals("2 h 01 min", Eta.format(7260));
    }
}
