package dev.topiary.ui.analysis;

import dev.topiary.activations.Prompt;
import dev.topiary.activations.PromptSet;
import dev.topiary.ui.Counts;
import dev.topiary.ui.activations.MlpActivations;
import dev.topiary.ui.activations.Palette;
import dev.topiary.ui.activations.ValueScale;
import dev.topiary.ui.selection.NeuronId;
import java.util.ArrayList;
import java.util.List;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * State of the per-token view: the prompts of the set, the chosen one, and its tokens with the MLP activations
 * at each of them, which a background job computes once per prompt. Colouring the tokens by a neuron then needs
 * no engine work. Use it on the FX thread only.
 */
public final class PromptTokensModel {

    /** Maximum length of a prompt text in the prompt chooser, in characters. */
    private static final int CHOICE_LENGTH = 80;

    /** One token chip: its position, text, the neuron's activation there and its colour as opaque ARGB. */
    public record TokenChip(int position, String text, float value, int argb) {}

    /** The chips of a prompt for one neuron, and the magnitude at the ends of their colour scale. */
    public record TokenChips(List<TokenChip> chips, float limit) {}

    private final ObservableList<String> choices = FXCollections.observableArrayList();
    /** Kept, because a read-only view listens to its list only weakly; see {@link NeuronDetailModel}. */
    private final ObservableList<String> choicesView = FXCollections.unmodifiableObservableList(choices);
    private final SimpleIntegerProperty selectedPrompt = new SimpleIntegerProperty(this, "selectedPrompt", -1);
    private final ReadOnlyObjectWrapper<PromptTokens> tokens = new ReadOnlyObjectWrapper<>(this, "tokens");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
    private PromptSet promptSet;

    public PromptTokensModel() {
        // The tokens shown always belong to the chosen prompt, so a new choice drops them until its own arrive.
        selectedPrompt.addListener((property, before, index) -> {
            PromptTokens shown = tokens.get();
            if (shown != null && shown.promptIndex() != index.intValue()) {
                tokens.set(null);
                status.set("");
            }
        });
    }

    /**
     * Lists the prompts of a set and chooses the first one.
     *
     * @param set the prompt set, or null when it is not available
     * @param unavailableText what to show when {@code set} is null
     */
    public void setPromptSet(PromptSet set, String unavailableText) {
        promptSet = set;
        tokens.set(null);
        selectedPrompt.set(-1);
        List<String> labels = new ArrayList<>();
        if (set != null) {
            for (int index = 0; index < set.size(); index++) {
                labels.add(label(index, set.prompts().get(index)));
            }
        }
        choices.setAll(labels);
        status.set(set == null ? unavailableText : "");
        if (set != null && set.size() > 0) {
            selectedPrompt.set(0);
        }
    }

    private static String label(int index, Prompt prompt) {
        String text = prompt.text().replace('\n', ' ');
        if (text.length() > CHOICE_LENGTH) {
            text = text.substring(0, CHOICE_LENGTH - 1) + "\u2026";
        }
        return (index + 1) + ": " + text;
    }

    /** Returns the prompt set listed, or null. */
    public PromptSet promptSet() {
        return promptSet;
    }

    /** Marks the chosen prompt's tokens as being computed. */
    public void showLoading(int promptIndex) {
        if (promptIndex == selectedPrompt.get()) {
            tokens.set(null);
            status.set("Running prompt " + (promptIndex + 1) + " through the model\u2026");
        }
    }

    /** Shows the tokens of a prompt; ignored unless that prompt is still the chosen one. */
    public void showTokens(PromptTokens computed) {
        if (computed.promptIndex() == selectedPrompt.get()) {
            tokens.set(computed);
            status.set(Counts.of(computed.tokenTexts().size(), "token"));
        }
    }

    /** Says why the tokens of a prompt are missing; ignored unless that prompt is still the chosen one. */
    public void showUnavailable(int promptIndex, String reason) {
        if (promptIndex == selectedPrompt.get()) {
            tokens.set(null);
            status.set(reason);
        }
    }

    /**
     * Returns the chips of the shown prompt coloured by one neuron's activation, on a diverging scale that is
     * symmetric in the largest magnitude on this prompt or {@code setMagnitude}, whichever is larger, so that
     * colours compare across the prompts of a set. Empty when no tokens are shown or the neuron is outside them.
     *
     * @param setMagnitude the neuron's largest |a| over the set, such as its max metric, or 0 when unknown
     */
    public TokenChips chips(NeuronId neuron, float setMagnitude) {
        PromptTokens shown = tokens.get();
        if (shown == null || neuron == null) {
            return new TokenChips(List.of(), 1);
        }
        MlpActivations activations = shown.activations();
        if (neuron.layer() >= activations.layers() || neuron.neuron() >= activations.neurons()) {
            return new TokenChips(List.of(), 1);
        }
        float limit = Float.isFinite(setMagnitude) ? Math.abs(setMagnitude) : 0;
        for (int position = 0; position < activations.positions(); position++) {
            float value = activations.value(neuron.layer(), position, neuron.neuron());
            if (Float.isFinite(value)) {
                limit = Math.max(limit, Math.abs(value));
            }
        }
        if (limit == 0) {
            limit = 1;
        }
        List<TokenChip> chips = new ArrayList<>();
        for (int position = 0; position < activations.positions(); position++) {
            float value = activations.value(neuron.layer(), position, neuron.neuron());
            chips.add(new TokenChip(position, shown.tokenTexts().get(position), value,
                    Palette.argb(ValueScale.SIGNED, value, limit)));
        }
        return new TokenChips(chips, limit);
    }

    /** Returns the prompt chooser's entries, such as "1: Once upon a time". */
    public ObservableList<String> choices() {
        return choicesView;
    }

    /** Returns the property of the chosen prompt's index; -1 while none is chosen. */
    public IntegerProperty selectedPromptProperty() {
        return selectedPrompt;
    }

    /** Returns the property of the chosen prompt's tokens; null until they are computed. */
    public ReadOnlyObjectProperty<PromptTokens> tokensProperty() {
        return tokens.getReadOnlyProperty();
    }

    /** Returns the property of the line about the tokens: their count, progress, or why they are missing. */
    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }
}
