package dev.topiary.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ComputeThreadsTest {

    @Test
    void smallWorkRunsOnOneThread() {
        assertEquals(1, ComputeThreads.choose(0.5e6, 0, 8), "a stories260K decode step");
        assertEquals(1, ComputeThreads.choose(0.22e9, 0, 8), "a 110M-parameter decode step");
    }

    @Test
    void largeWorkUsesEveryCore() {
        assertEquals(8, ComputeThreads.choose(ComputeThreads.PARALLEL_FLOPS, 0, 8));
        assertEquals(8, ComputeThreads.choose(9e9, 0, 8), "a 42-token prefill of a 110M-parameter model");
    }

    @Test
    void fixedCountOverridesChoice() {
        assertEquals(3, ComputeThreads.choose(0.5e6, 3, 8));
        assertEquals(3, ComputeThreads.choose(9e9, 3, 8));
    }
}
