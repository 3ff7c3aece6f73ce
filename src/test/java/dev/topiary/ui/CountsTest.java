package dev.topiary.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CountsTest {

    @Test
    void oneIsSingular() {
        assertEquals("1 model", Counts.of(1, "model"));
        assertEquals("model", Counts.noun(1, "model"));
    }

    @Test
    void zeroAndManyArePlural() {
        assertEquals("0 models", Counts.of(0, "model"));
        assertEquals("2 models", Counts.of(2, "model"));
        assertEquals("models", Counts.noun(3, "model"));
    }

    @Test
    void largeCountHasSeparators() {
        assertEquals("12,345 tokens", Counts.of(12_345, "token"));
    }

    @Test
    void irregularPluralIsUsed() {
        assertEquals("1 prompt was", Counts.of(1, "prompt was", "prompts were"));
        assertEquals("4 prompts were", Counts.of(4, "prompt was", "prompts were"));
    }
}
