package dev.topiary.ui.selection;

import java.util.ArrayDeque;
import java.util.Deque;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;

/**
 * The neurons the user has chosen, shared by every tab of the window, with undo and redo. Each change that
 * alters the set is one undo step. A change that leaves the set as it was records nothing. Use it on the FX
 * thread only.
 */
public final class NeuronSelection {

    /** Undo steps kept; older ones are dropped. */
    static final int MAX_UNDO_STEPS = 200;

    private final ReadOnlyObjectWrapper<SelectedNeurons> selected =
            new ReadOnlyObjectWrapper<>(this, "selected", SelectedNeurons.EMPTY);
    private final ReadOnlyBooleanWrapper canUndo = new ReadOnlyBooleanWrapper(this, "canUndo");
    private final ReadOnlyBooleanWrapper canRedo = new ReadOnlyBooleanWrapper(this, "canRedo");
    private final Deque<SelectedNeurons> undoSteps = new ArrayDeque<>();
    private final Deque<SelectedNeurons> redoSteps = new ArrayDeque<>();

    /** Replaces the selection with one neuron. */
    public void select(int layer, int neuron) {
        change(SelectedNeurons.of(layer, neuron));
    }

    /** Adds a neuron when it is not selected and removes it when it is. */
    public void toggle(int layer, int neuron) {
        SelectedNeurons current = selected.get();
        change(current.contains(layer, neuron) ? current.without(layer, neuron) : current.with(layer, neuron));
    }

    /**
     * Selects some neurons of one layer, such as a range dragged across the heatmap.
     *
     * @param add whether to add them to the selection instead of replacing it
     */
    public void selectNeurons(int layer, int[] neurons, boolean add) {
        change((add ? selected.get() : SelectedNeurons.EMPTY).with(layer, neurons));
    }

    /**
     * Selects every neuron of a layer.
     *
     * @param neurons the layer's width, F
     * @param add whether to add the layer to the selection instead of replacing it
     */
    public void selectLayer(int layer, int neurons, boolean add) {
        if (neurons < 1) {
            throw new IllegalArgumentException("A layer needs at least one neuron, got " + neurons);
        }
        change((add ? selected.get() : SelectedNeurons.EMPTY).withRange(layer, 0, neurons - 1));
    }

    /** Empties the selection as one undo step. */
    public void clear() {
        change(SelectedNeurons.EMPTY);
    }

    /** Goes back one step; returns false when there is nothing to undo. */
    public boolean undo() {
        if (undoSteps.isEmpty()) {
            return false;
        }
        redoSteps.push(selected.get());
        selected.set(undoSteps.pop());
        updateFlags();
        return true;
    }

    /** Goes forward one undone step; returns false when there is nothing to redo. */
    public boolean redo() {
        if (redoSteps.isEmpty()) {
            return false;
        }
        undoSteps.push(selected.get());
        selected.set(redoSteps.pop());
        updateFlags();
        return true;
    }

    /**
     * Empties the selection and clears its undo history, for when the neurons it names no longer exist, such as
     * after a model with another shape was opened.
     */
    public void reset() {
        undoSteps.clear();
        redoSteps.clear();
        selected.set(SelectedNeurons.EMPTY);
        updateFlags();
    }

    private void change(SelectedNeurons next) {
        if (next.equals(selected.get())) {
            return;
        }
        undoSteps.push(selected.get());
        if (undoSteps.size() > MAX_UNDO_STEPS) {
            undoSteps.removeLast();
        }
        redoSteps.clear();
        selected.set(next);
        updateFlags();
    }

    private void updateFlags() {
        canUndo.set(!undoSteps.isEmpty());
        canRedo.set(!redoSteps.isEmpty());
    }

    public SelectedNeurons selected() {
        return selected.get();
    }

    public ReadOnlyObjectProperty<SelectedNeurons> selectedProperty() {
        return selected.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty canUndoProperty() {
        return canUndo.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty canRedoProperty() {
        return canRedo.getReadOnlyProperty();
    }
}
