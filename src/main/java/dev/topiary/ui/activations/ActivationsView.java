package dev.topiary.ui.activations;

import dev.topiary.ui.FullTextTooltips;
import javafx.beans.binding.Bindings;
import javafx.fxml.FXML;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.Region;
import javafx.scene.text.Text;

/** The Activations tab ({@code fxml/ActivationsView.fxml}): binds its controls to an {@link ActivationsViewModel}. */
public final class ActivationsView {

    private final ActivationsViewModel viewModel;

    @FXML
    private Region content;
    @FXML
    private Label placeholder;
    @FXML
    private ComboBox<TokenChoice> tokenSelector;
    @FXML
    private Label runSummary;
    @FXML
    private ActivationHeatmap heatmap;
    @FXML
    private Label hoverInfo;
    @FXML
    private Text promptText;
    @FXML
    private Text continuationText;

    public ActivationsView(ActivationsViewModel viewModel) {
        this.viewModel = viewModel;
    }

    @FXML
    private void initialize() {
        FullTextTooltips.install(runSummary, hoverInfo);
        placeholder.textProperty().bind(viewModel.placeholderProperty());
        placeholder.visibleProperty().bind(viewModel.placeholderProperty().isNotNull());
        content.visibleProperty().bind(viewModel.placeholderProperty().isNull());

        tokenSelector.setItems(viewModel.tokenChoices());
        tokenSelector.valueProperty().bindBidirectional(viewModel.selectedTokenProperty());
        runSummary.textProperty().bind(viewModel.runSummaryProperty());
        heatmap.matrixProperty().bind(viewModel.heatmapProperty());
        hoverInfo.textProperty().bind(Bindings.createStringBinding(
                () -> viewModel.describe(heatmap.hoveredCellProperty().get()),
                heatmap.hoveredCellProperty(), viewModel.selectedTokenProperty()));
        promptText.textProperty().bind(viewModel.promptTextProperty());
        continuationText.textProperty().bind(viewModel.continuationTextProperty());
    }

    @FXML
    private void onCopyText() {
        ClipboardContent text = new ClipboardContent();
        text.putString(viewModel.promptTextProperty().get() + viewModel.continuationTextProperty().get());
        Clipboard.getSystemClipboard().setContent(text);
    }

    /** Returns the heatmap, for tests that read its cells. */
    public ActivationHeatmap heatmap() {
        return heatmap;
    }
}
