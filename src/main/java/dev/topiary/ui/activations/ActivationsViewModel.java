package dev.topiary.ui.activations;

import dev.topiary.ui.Counts;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * State of the Activations tab: the last prompt run, the chosen token position and the heatmap it implies.
 * Use it on the FX thread only.
 */
public final class ActivationsViewModel {

    /** Empty-state text before any model is open. */
    public static final String NO_MODEL_TEXT =
            "Open a model to begin: type its path on the left, or use File > Open model folder… or Open llama2.c file…";
    /** Empty-state text once a model is open but no prompt has run on it. */
    public static final String NO_RUN_TEXT =
            "Type a prompt on the left and press Run (Ctrl+Enter) to see its MLP neuron activations";

    private final ReadOnlyObjectWrapper<PromptRun> run = new ReadOnlyObjectWrapper<>(this, "run");
    private final ObservableList<TokenChoice> tokenChoices = FXCollections.observableArrayList();
    private final ObjectProperty<TokenChoice> selectedToken = new SimpleObjectProperty<>(this, "selectedToken");
    private final ReadOnlyObjectWrapper<HeatmapMatrix> heatmap = new ReadOnlyObjectWrapper<>(this, "heatmap");
    private final ReadOnlyStringWrapper placeholder = new ReadOnlyStringWrapper(this, "placeholder", NO_MODEL_TEXT);
    private final ReadOnlyStringWrapper promptText = new ReadOnlyStringWrapper(this, "promptText", "");
    private final ReadOnlyStringWrapper continuationText = new ReadOnlyStringWrapper(this, "continuationText", "");
    private final ReadOnlyStringWrapper runSummary = new ReadOnlyStringWrapper(this, "runSummary", "");

    public ActivationsViewModel() {
        selectedToken.addListener((property, before, choice) -> updateHeatmap(choice));
    }

    /** Clears the tab and shows {@link #NO_MODEL_TEXT}. */
    public void showNoModel() {
        clear(NO_MODEL_TEXT);
    }

    /** Clears the tab and shows {@link #NO_RUN_TEXT}, after a new model has loaded. */
    public void showNoRun() {
        clear(NO_RUN_TEXT);
    }

    /** Shows a run, starting with the mean |a| over its tokens. */
    public void show(PromptRun result) {
        run.set(result);
        List<TokenChoice> choices = new ArrayList<>();
        choices.add(new TokenChoice(TokenChoice.MEAN, "mean |a| over tokens"));
        for (int position = 0; position < result.tokenTexts().size(); position++) {
            String part = position < result.promptLength() ? "prompt" : "generated";
            choices.add(new TokenChoice(position, position + ": " + quote(result.tokenTexts().get(position)) + " ("
                    + part + ")"));
        }
        tokenChoices.setAll(choices);
        promptText.set(result.prompt());
        continuationText.set(result.continuation());
        runSummary.set(summarize(result));
        placeholder.set(null);
        selectedToken.set(choices.get(0));
        updateHeatmap(choices.get(0));
    }

    private void clear(String text) {
        run.set(null);
        selectedToken.set(null);
        tokenChoices.clear();
        heatmap.set(null);
        promptText.set("");
        continuationText.set("");
        runSummary.set("");
        placeholder.set(text);
    }

    private void updateHeatmap(TokenChoice choice) {
        PromptRun current = run.get();
        if (current == null || choice == null) {
            return;
        }
        MlpActivations activations = current.activations();
        if (choice.isMean()) {
            heatmap.set(activations.meanMagnitude());
        } else {
            String token = quote(current.tokenTexts().get(choice.position()));
            heatmap.set(activations.atPosition(choice.position()).withValueLabel("a at token " + choice.position()
                    + " " + token));
        }
    }

    /**
     * Describes a heatmap cell for the hover line: layer, neuron, value and the token it belongs to. For the mean
     * view, the token is the one where the neuron's |a| is largest.
     */
    public String describe(HeatmapCell cell) {
        PromptRun current = run.get();
        TokenChoice choice = selectedToken.get();
        if (cell == null || current == null || choice == null) {
            return "Point at a cell to see its layer, neuron, value and token";
        }
        String where = "Layer " + cell.layer() + ", neuron " + cell.neuron();
        if (!choice.isMean()) {
            return where + ": a = " + number(cell.value()) + " at token " + choice.position() + " "
                    + quote(current.tokenTexts().get(choice.position()));
        }
        MlpActivations activations = current.activations();
        int peak = activations.positionOfLargestMagnitude(cell.layer(), cell.neuron());
        return where + ": mean |a| = " + number(cell.value()) + ", largest |a| = "
                + number(Math.abs(activations.value(cell.layer(), peak, cell.neuron()))) + " at token " + peak + " "
                + quote(current.tokenTexts().get(peak));
    }

    private static String summarize(PromptRun result) {
        String end = result.stopReason().description();
        String speed = result.decodeTokensPerSecond() > 0
                ? String.format(Locale.ROOT, ", %.0f tokens/s", result.decodeTokensPerSecond())
                : "";
        return Counts.of(result.promptLength(), "prompt token") + " + " + result.generatedTokens() + " generated, "
                + end + speed;
    }

    private static String quote(String tokenText) {
        return "\u2018" + tokenText + "\u2019";
    }

    /** Formats a value with four significant digits. */
    static String number(double value) {
        return String.format(Locale.ROOT, "%.4g", value);
    }

    public ReadOnlyObjectProperty<PromptRun> runProperty() {
        return run.getReadOnlyProperty();
    }

    public ObservableList<TokenChoice> tokenChoices() {
        return FXCollections.unmodifiableObservableList(tokenChoices);
    }

    public ObjectProperty<TokenChoice> selectedTokenProperty() {
        return selectedToken;
    }

    public ReadOnlyObjectProperty<HeatmapMatrix> heatmapProperty() {
        return heatmap.getReadOnlyProperty();
    }

    /** Returns the empty-state text, or null while a run is shown. */
    public ReadOnlyStringProperty placeholderProperty() {
        return placeholder.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty promptTextProperty() {
        return promptText.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty continuationTextProperty() {
        return continuationText.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty runSummaryProperty() {
        return runSummary.getReadOnlyProperty();
    }
}
