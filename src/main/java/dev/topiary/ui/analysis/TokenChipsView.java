package dev.topiary.ui.analysis;

import dev.topiary.activations.ActivationAnalysis;
import dev.topiary.activations.NeuronMetric;
import dev.topiary.ui.activations.Palette;
import dev.topiary.ui.activations.ValueScale;
import dev.topiary.ui.selection.NeuronId;
import java.util.Locale;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.layout.FlowPane;
import javafx.scene.paint.Color;

/**
 * The per-token view of the Analysis tab: a prompt chooser and the prompt's tokens as chips whose background is
 * the clicked neuron's activation on each token, with a colour legend and a hover line. Binds to the
 * {@link PromptTokensModel} of an {@link AnalysisViewModel}.
 */
final class TokenChipsView {

    /** Text of the hover line while the mouse is not on a chip. */
    static final String HOVER_HINT = "Point at a token to see the neuron's activation on it";

    private final AnalysisViewModel viewModel;
    private final PromptTokensModel tokens;
    private final ComboBox<String> promptChooser;
    private final FlowPane chips;
    private final Label legendTitle;
    private final Label legendLow;
    private final Canvas legendBar;
    private final Label legendHigh;
    private final Label hoverInfo;
    private boolean updatingChooser;

    TokenChipsView(AnalysisViewModel viewModel, ComboBox<String> promptChooser, FlowPane chips, Label legendTitle,
            Label legendLow, Canvas legendBar, Label legendHigh, Label hoverInfo) {
        this.viewModel = viewModel;
        this.tokens = viewModel.tokens();
        this.promptChooser = promptChooser;
        this.chips = chips;
        this.legendTitle = legendTitle;
        this.legendLow = legendLow;
        this.legendBar = legendBar;
        this.legendHigh = legendHigh;
        this.hoverInfo = hoverInfo;

        promptChooser.setItems(tokens.choices());
        promptChooser.getSelectionModel().selectedIndexProperty().addListener((property, before, index) -> {
            if (!updatingChooser) {
                tokens.selectedPromptProperty().set(index.intValue());
            }
        });
        tokens.selectedPromptProperty().addListener((property, before, index) -> selectInChooser(index.intValue()));
        tokens.tokensProperty().addListener(observable -> redraw());
        tokens.statusProperty().addListener(observable -> redraw());
        viewModel.focusedNeuronProperty().addListener(observable -> redraw());
        redraw();
    }

    private void selectInChooser(int index) {
        updatingChooser = true;
        if (index < 0) {
            promptChooser.getSelectionModel().clearSelection();
        } else {
            promptChooser.getSelectionModel().select(index);
        }
        updatingChooser = false;
    }

    private void redraw() {
        NeuronId neuron = viewModel.focusedNeuronProperty().get();
        PromptTokensModel.TokenChips coloured = tokens.chips(neuron, setMagnitude(neuron));
        chips.getChildren().clear();
        hoverInfo.setText(HOVER_HINT);
        PromptTokens shown = tokens.tokensProperty().get();
        if (shown == null) {
            showLegend(null, 1);
            chips.getChildren().add(new Label(tokens.statusProperty().get()));
            return;
        }
        if (coloured.chips().isEmpty()) {
            showLegend(null, 1);
            for (int position = 0; position < shown.tokenTexts().size(); position++) {
                chips.getChildren().add(chip(shown.tokenTexts().get(position), 0xFFEEEEEE));
            }
            hoverInfo.setText("Click a neuron in the heatmap to colour the tokens by its activation");
            return;
        }
        showLegend(neuron, coloured.limit());
        for (PromptTokensModel.TokenChip token : coloured.chips()) {
            Label chip = chip(token.text(), token.argb());
            String description = "Token " + token.position() + " \u2018" + token.text() + "\u2019: a = "
                    + NeuronDetailModel.format(token.value()) + " (" + neuron + ")";
            chip.setOnMouseEntered(event -> hoverInfo.setText(description));
            chip.setOnMouseExited(event -> hoverInfo.setText(HOVER_HINT));
            chips.getChildren().add(chip);
        }
    }

    /** Returns the magnitude of the neuron's max metric over the set, or 0 without an analysis or neuron. */
    private float setMagnitude(NeuronId neuron) {
        ActivationAnalysis analysis = viewModel.analysisProperty().get();
        if (analysis == null || neuron == null) {
            return 0;
        }
        return (float) Math.abs(analysis.neurons().value(NeuronMetric.MAX, neuron.layer(), neuron.neuron()));
    }

    private static Label chip(String text, int argb) {
        Label chip = new Label(text.isEmpty() ? " " : text);
        chip.getStyleClass().add("token-chip");
        Color background = Color.rgb(argb >> 16 & 0xFF, argb >> 8 & 0xFF, argb & 0xFF);
        // Dark text on light cells and light text on dark ones, by the relative luminance of the background.
        double luminance = 0.2126 * background.getRed() + 0.7152 * background.getGreen()
                + 0.0722 * background.getBlue();
        chip.setStyle("-fx-background-color: " + web(background) + "; -fx-text-fill: "
                + (luminance > 0.5 ? "#111111" : "#ffffff") + ";");
        return chip;
    }

    private static String web(Color colour) {
        return String.format(Locale.ROOT, "#%02x%02x%02x", (int) Math.round(colour.getRed() * 255),
                (int) Math.round(colour.getGreen() * 255), (int) Math.round(colour.getBlue() * 255));
    }

    private void showLegend(NeuronId neuron, float limit) {
        GraphicsContext graphics = legendBar.getGraphicsContext2D();
        graphics.clearRect(0, 0, legendBar.getWidth(), legendBar.getHeight());
        boolean shown = neuron != null;
        legendBar.setVisible(shown);
        legendLow.setText(shown ? NeuronDetailModel.format(-limit) : "");
        legendHigh.setText(shown ? NeuronDetailModel.format(limit) : "");
        legendTitle.setText(shown ? "a of layer " + neuron.layer() + ", neuron " + neuron.neuron() + ":" : "");
        if (!shown) {
            return;
        }
        int columns = (int) legendBar.getWidth();
        for (int x = 0; x < columns; x++) {
            float value = (float) ((2.0 * (x + 0.5) / columns - 1) * limit);
            int argb = Palette.argb(ValueScale.SIGNED, value, limit);
            graphics.setFill(Color.rgb(argb >> 16 & 0xFF, argb >> 8 & 0xFF, argb & 0xFF));
            graphics.fillRect(x, 0, 1, legendBar.getHeight());
        }
        graphics.setStroke(Color.web("#555555"));
        graphics.strokeRect(0.5, 0.5, legendBar.getWidth() - 1, legendBar.getHeight() - 1);
    }
}
