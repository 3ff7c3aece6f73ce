package dev.topiary.ui.activations;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MlpActivationsTest {

    /** Two layers, three positions, two neurons: [L][T][F]. */
    private static MlpActivations sample() {
        return MlpActivations.of(new float[][][] {
            {{1, -2}, {3, 0}, {-5, 4}},
            {{0.5f, 0.5f}, {-0.5f, 1.5f}, {0, -3}}
        });
    }

    @Test
    void reportsShape() {
        MlpActivations activations = sample();

        assertEquals(2, activations.layers());
        assertEquals(3, activations.positions());
        assertEquals(2, activations.neurons());
    }

    @Test
    void positionViewIsSignedLayerByNeuron() {
        HeatmapMatrix matrix = sample().atPosition(2);

        assertEquals(ValueScale.SIGNED, matrix.scale());
        assertArrayEquals(new float[] {-5, 4, 0, -3}, matrix.values());
    }

    @Test
    void meanMagnitudeAveragesAbsoluteValues() {
        HeatmapMatrix matrix = sample().meanMagnitude();

        assertEquals(ValueScale.MAGNITUDE, matrix.scale());
        // Layer 0: (1 + 3 + 5) / 3, (2 + 0 + 4) / 3. Layer 1: (0.5 + 0.5 + 0) / 3, (0.5 + 1.5 + 3) / 3.
        assertArrayEquals(new float[] {3f, 2f, 1f / 3, 5f / 3}, matrix.values(), 1e-6f);
        assertEquals("mean |a| over 3 tokens", matrix.valueLabel());
    }

    @Test
    void findsPositionOfLargestMagnitude() {
        MlpActivations activations = sample();

        assertEquals(2, activations.positionOfLargestMagnitude(0, 0));
        assertEquals(2, activations.positionOfLargestMagnitude(1, 1));
    }

    @Test
    void rejectsRaggedRows() {
        float[][][] ragged = {{{1, 2}, {3}}};

        assertThrows(IllegalArgumentException.class, () -> MlpActivations.of(ragged));
    }
}
