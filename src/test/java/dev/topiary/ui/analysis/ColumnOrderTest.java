package dev.topiary.ui.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.ui.activations.HeatmapMatrix;
import dev.topiary.ui.activations.ValueScale;
import org.junit.jupiter.api.Test;

/** The mapping between heatmap columns and true neuron indices, plain and sorted. */
class ColumnOrderTest {

    private static final HeatmapMatrix VALUES = new HeatmapMatrix(2, 5, new float[] {
        0.1f, 0.9f, -0.5f, 0.9f, 0.3f,
        Float.NaN, 2f, 1f, 3f, -1f
    }, ValueScale.SIGNED, "test");

    @Test
    void identityShowsNeuronInItsOwnColumn() {
        ColumnOrder order = ColumnOrder.identity(2, 5);

        assertFalse(order.sorted());
        for (int column = 0; column < 5; column++) {
            assertEquals(column, order.neuronAt(1, column));
            assertEquals(column, order.columnOf(1, column));
        }
    }

    @Test
    void descendingSortsEachLayerLargestFirst() {
        ColumnOrder order = ColumnOrder.descending(VALUES);

        assertTrue(order.sorted());
        // Layer 0: 0.9 (neuron 1), 0.9 (neuron 3, equal values keep index order), 0.3, 0.1, -0.5.
        int[] expectedLayer0 = {1, 3, 4, 0, 2};
        // Layer 1: 3, 2, 1, -1, then NaN last.
        int[] expectedLayer1 = {3, 1, 2, 4, 0};
        for (int column = 0; column < 5; column++) {
            assertEquals(expectedLayer0[column], order.neuronAt(0, column), "layer 0, column " + column);
            assertEquals(expectedLayer1[column], order.neuronAt(1, column), "layer 1, column " + column);
        }
    }

    @Test
    void columnOfInvertsNeuronAt() {
        ColumnOrder order = ColumnOrder.descending(VALUES);

        for (int layer = 0; layer < 2; layer++) {
            for (int column = 0; column < 5; column++) {
                assertEquals(column, order.columnOf(layer, order.neuronAt(layer, column)));
            }
        }
    }

    @Test
    void sortedValuesAreNonIncreasing() {
        ColumnOrder order = ColumnOrder.descending(VALUES);

        for (int column = 1; column < 5; column++) {
            float before = VALUES.valueAt(0, order.neuronAt(0, column - 1));
            float now = VALUES.valueAt(0, order.neuronAt(0, column));
            assertTrue(before >= now, before + " before " + now);
        }
    }
}
