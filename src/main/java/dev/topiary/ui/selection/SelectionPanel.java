package dev.topiary.ui.selection;

import dev.topiary.ui.FullTextTooltips;
import java.util.ArrayList;
import java.util.List;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;

/**
 * The Selection section of the left panel ({@code fxml/SelectionPanel.fxml}): how many neurons are selected in
 * each layer, which ones, and buttons to clear, undo and redo.
 */
public final class SelectionPanel {

    /** Shown while nothing is selected. */
    public static final String EMPTY_TEXT = "No neurons selected. In the Analysis heatmap, click a neuron, "
            + "drag or Shift+click across a layer for a range, or click a layer number for the whole layer; "
            + "hold Ctrl to add to the selection.";

    private final NeuronSelection selection;

    @FXML
    private Label selectionSummary;
    @FXML
    private ListView<String> selectionList;
    @FXML
    private Button undoSelectionButton;
    @FXML
    private Button redoSelectionButton;
    @FXML
    private Button clearSelectionButton;

    public SelectionPanel(NeuronSelection selection) {
        this.selection = selection;
    }

    @FXML
    private void initialize() {
        FullTextTooltips.install(selectionSummary);
        selection.selectedProperty().addListener((property, before, now) -> show(now));
        undoSelectionButton.disableProperty().bind(selection.canUndoProperty().not());
        redoSelectionButton.disableProperty().bind(selection.canRedoProperty().not());
        show(selection.selected());
    }

    private void show(SelectedNeurons selected) {
        clearSelectionButton.setDisable(selected.isEmpty());
        selectionList.getItems().setAll(lines(selected));
        selectionList.setVisible(!selected.isEmpty());
        selectionList.setManaged(!selected.isEmpty());
        selectionSummary.setText(summary(selected));
    }

    /** Returns the summary line, such as "12 neurons in 2 layers". */
    static String summary(SelectedNeurons selected) {
        if (selected.isEmpty()) {
            return EMPTY_TEXT;
        }
        int count = selected.count();
        int layers = selected.layers().size();
        return count + (count == 1 ? " neuron" : " neurons") + " in " + layers + (layers == 1 ? " layer" : " layers");
    }

    /** Returns one line per layer, such as "Layer 2: 12 neurons (3, 10–19, 40)". */
    static List<String> lines(SelectedNeurons selected) {
        List<String> lines = new ArrayList<>();
        for (int layer : selected.layers()) {
            int count = selected.count(layer);
            lines.add("Layer " + layer + ": " + count + (count == 1 ? " neuron (" : " neurons (")
                    + selected.describe(layer) + ")");
        }
        return lines;
    }

    @FXML
    private void onUndo() {
        selection.undo();
    }

    @FXML
    private void onRedo() {
        selection.redo();
    }

    @FXML
    private void onClear() {
        selection.clear();
    }
}
