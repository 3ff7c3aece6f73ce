package dev.topiary.ui.selection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The shared neuron selection: each kind of change, and undo and redo over them. */
class NeuronSelectionTest {

    @Test
    void selectReplacesWithOneNeuron() {
        NeuronSelection selection = new NeuronSelection();
        selection.select(2, 17);
        selection.select(3, 5);

        assertEquals(SelectedNeurons.of(3, 5), selection.selected());
        assertEquals(1, selection.selected().count());
    }

    @Test
    void toggleAddsThenRemoves() {
        NeuronSelection selection = new NeuronSelection();
        selection.select(0, 1);
        selection.toggle(0, 4);
        assertArrayEquals(new int[] {1, 4}, selection.selected().neurons(0));

        selection.toggle(0, 1);
        assertArrayEquals(new int[] {4}, selection.selected().neurons(0));
    }

    @Test
    void rangeReplacesOrAdds() {
        NeuronSelection selection = new NeuronSelection();
        selection.select(1, 50);
        selection.selectNeurons(2, new int[] {10, 11, 12, 13}, false);
        assertEquals(SelectedNeurons.EMPTY.withRange(2, 10, 13), selection.selected());

        selection.selectNeurons(1, new int[] {7, 3, 5}, true);
        assertEquals(List.of(1, 2), selection.selected().layers());
        assertArrayEquals(new int[] {3, 5, 7}, selection.selected().neurons(1));
        assertEquals(7, selection.selected().count());
    }

    @Test
    void layerSelectsEveryNeuron() {
        NeuronSelection selection = new NeuronSelection();
        selection.select(0, 3);
        selection.selectLayer(4, 172, true);

        assertEquals(172, selection.selected().count(4));
        assertEquals(1, selection.selected().count(0));
        assertEquals("0\u2013171", selection.selected().describe(4));
        assertThrows(IllegalArgumentException.class, () -> selection.selectLayer(1, 0, false));
    }

    @Test
    void runsMergeConsecutiveNeurons() {
        SelectedNeurons selected = SelectedNeurons.of(2, 3, 10, 11, 12, 40).with(2, 13);

        assertEquals("3, 10\u201313, 40", selected.describe(2));
        assertEquals(3, selected.runs(2).size());
        assertArrayEquals(new int[] {10, 13}, selected.runs(2).get(1));
    }

    @Test
    void undoAndRedoWalkTheHistory() {
        NeuronSelection selection = new NeuronSelection();
        assertFalse(selection.canUndoProperty().get());

        selection.select(0, 1);
        selection.selectNeurons(0, new int[] {5, 6}, true);
        selection.selectLayer(1, 8, true);
        assertEquals(11, selection.selected().count());

        assertTrue(selection.undo());
        assertEquals(SelectedNeurons.of(0, 1, 5, 6), selection.selected());
        assertTrue(selection.undo());
        assertEquals(SelectedNeurons.of(0, 1), selection.selected());
        assertTrue(selection.canRedoProperty().get());

        assertTrue(selection.redo());
        assertEquals(SelectedNeurons.of(0, 1, 5, 6), selection.selected());
        assertTrue(selection.undo());
        assertTrue(selection.undo());
        assertTrue(selection.selected().isEmpty());
        assertFalse(selection.undo());
        assertFalse(selection.canUndoProperty().get());
    }

    @Test
    void newChangeDropsRedo() {
        NeuronSelection selection = new NeuronSelection();
        selection.select(0, 1);
        selection.select(0, 2);
        selection.undo();

        selection.select(3, 3);

        assertFalse(selection.canRedoProperty().get());
        assertFalse(selection.redo());
        assertEquals(SelectedNeurons.of(3, 3), selection.selected());
    }

    @Test
    void clearIsOneUndoStep() {
        NeuronSelection selection = new NeuronSelection();
        selection.selectLayer(2, 10, false);

        selection.clear();
        assertTrue(selection.selected().isEmpty());

        selection.undo();
        assertEquals(10, selection.selected().count(2));
    }

    @Test
    void unchangedSelectionRecordsNoStep() {
        NeuronSelection selection = new NeuronSelection();
        selection.select(1, 1);
        selection.select(1, 1);
        selection.clear();
        selection.clear();

        assertTrue(selection.undo());
        assertEquals(SelectedNeurons.of(1, 1), selection.selected());
        assertTrue(selection.undo());
        assertFalse(selection.undo());
    }

    @Test
    void resetForgetsHistory() {
        NeuronSelection selection = new NeuronSelection();
        selection.select(1, 1);
        selection.select(1, 2);

        selection.reset();

        assertTrue(selection.selected().isEmpty());
        assertFalse(selection.canUndoProperty().get());
        assertFalse(selection.undo());
    }

    @Test
    void historyKeepsNewestSteps() {
        NeuronSelection selection = new NeuronSelection();
        for (int neuron = 0; neuron <= NeuronSelection.MAX_UNDO_STEPS + 10; neuron++) {
            selection.select(0, neuron);
        }
        int undone = 0;
        while (selection.undo()) {
            undone++;
        }

        assertEquals(NeuronSelection.MAX_UNDO_STEPS, undone);
        assertEquals(SelectedNeurons.of(0, 10), selection.selected());
    }

    @Test
    void summaryCountsNeuronsAndLayers() {
        SelectedNeurons selected = SelectedNeurons.of(1, 4).withRange(3, 0, 9);

        assertEquals("11 neurons in 2 layers", SelectionPanel.summary(selected));
        assertEquals(List.of("Layer 1: 1 neuron (4)", "Layer 3: 10 neurons (0\u20139)"),
                SelectionPanel.lines(selected));
        assertEquals(SelectionPanel.EMPTY_TEXT, SelectionPanel.summary(SelectedNeurons.EMPTY));
    }
}
