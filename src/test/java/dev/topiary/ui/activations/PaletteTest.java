package dev.topiary.ui.activations;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PaletteTest {

    @Test
    void signedZeroIsNeutralWhite() {
        assertEquals(0xFFF7F7F7, Palette.argb(ValueScale.SIGNED, 0f, 2f));
    }

    @Test
    void signedEndsAreBlueAndRed() {
        assertEquals(0xFF2166AC, Palette.argb(ValueScale.SIGNED, -2f, 2f));
        assertEquals(0xFFB2182B, Palette.argb(ValueScale.SIGNED, 2f, 2f));
    }

    @Test
    void valuesBeyondLimitTakeEndColour() {
        assertEquals(0xFFB2182B, Palette.argb(ValueScale.SIGNED, 50f, 2f));
        assertEquals(0xFF2166AC, Palette.argb(ValueScale.SIGNED, -50f, 2f));
        assertEquals(0xFFFDE725, Palette.argb(ValueScale.MAGNITUDE, 50f, 2f));
    }

    @Test
    void magnitudeRunsFromDarkToYellow() {
        assertEquals(0xFF440154, Palette.argb(ValueScale.MAGNITUDE, 0f, 3f));
        assertEquals(0xFFFDE725, Palette.argb(ValueScale.MAGNITUDE, 3f, 3f));
    }

    @Test
    void midpointBetweenStopsMixesChannels() {
        // a = limit / 6 maps to position 3.5 of the seven stops: halfway from F7F7F7 to FDDBC7.
        int colour = Palette.argb(ValueScale.SIGNED, 1f / 6, 1f);
        assertEquals(0xFA, colour >> 16 & 0xFF);
        assertEquals(0xE9, colour >> 8 & 0xFF);
        assertEquals(0xDF, colour & 0xFF);
    }

    @Test
    void notFiniteValuesAreGrey() {
        assertEquals(Palette.NOT_FINITE, Palette.argb(ValueScale.SIGNED, Float.NaN, 1f));
        assertEquals(Palette.NOT_FINITE, Palette.argb(ValueScale.MAGNITUDE, Float.POSITIVE_INFINITY, 1f));
    }
}
