package dev.topiary.ui.activations;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HeatmapPixelsTest {

    private static int colour(float value, float limit) {
        return Palette.argb(ValueScale.SIGNED, value, limit);
    }

    @Test
    void matrixAtCellSizeGetsOnePixelPerCell() {
        HeatmapMatrix matrix = new HeatmapMatrix(2, 3, new float[] {1, -1, 0, 0.5f, -0.5f, 0.25f},
                ValueScale.SIGNED, "a");

        HeatmapPixels pixels = HeatmapPixels.render(matrix, 3, 2);

        assertEquals(3, pixels.width());
        assertEquals(2, pixels.height());
        assertArrayEquals(new int[] {
            colour(1, 1), colour(-1, 1), colour(0, 1), colour(0.5f, 1), colour(-0.5f, 1), colour(0.25f, 1)
        }, pixels.argb());
    }

    @Test
    void enlargedCellsAreSharpBlocks() {
        HeatmapMatrix matrix = new HeatmapMatrix(2, 2, new float[] {1, -1, 0, 0.5f}, ValueScale.SIGNED, "a");

        HeatmapPixels pixels = HeatmapPixels.render(matrix, 4, 4);

        int a = colour(1, 1);
        int b = colour(-1, 1);
        int c = colour(0, 1);
        int d = colour(0.5f, 1);
        assertArrayEquals(new int[] {a, a, b, b, a, a, b, b, c, c, d, d, c, c, d, d}, pixels.argb());
    }

    @Test
    void narrowImageKeepsStrongestNeuronOfEachPixel() {
        float[] row = {0.1f, -0.9f, 0.2f, 0.3f, 0f, 0f, 1f, 0.5f};
        HeatmapMatrix matrix = new HeatmapMatrix(1, 8, row, ValueScale.SIGNED, "a");

        HeatmapPixels pixels = HeatmapPixels.render(matrix, 4, 1);

        assertEquals(4, pixels.width());
        assertArrayEquals(new int[] {colour(-0.9f, 1), colour(0.3f, 1), colour(0, 1), colour(1, 1)}, pixels.argb());
    }

    @Test
    void unevenReductionCoversEveryColumn() {
        float[] row = {0, 0, 0, 0, 0, 0, 0, 2};
        HeatmapMatrix matrix = new HeatmapMatrix(1, 8, row, ValueScale.MAGNITUDE, "|a|");

        HeatmapPixels pixels = HeatmapPixels.render(matrix, 3, 1);

        assertEquals(3, pixels.width());
        assertEquals(Palette.argb(ValueScale.MAGNITUDE, 2, 2), pixels.argb()[2]);
    }
}
