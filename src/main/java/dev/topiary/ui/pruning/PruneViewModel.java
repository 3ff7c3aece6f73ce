package dev.topiary.ui.pruning;

import dev.topiary.activations.ActivationAnalysis;
import dev.topiary.activations.LayerStatistics;
import dev.topiary.model.ModelConfig;
import dev.topiary.pruning.BiasReport;
import dev.topiary.pruning.LayerChoice;
import dev.topiary.pruning.NeuronScoreMethod;
import dev.topiary.ui.pruning.PlanRequest.DepthMode;
import dev.topiary.ui.pruning.PlanRequest.WidthMode;
import dev.topiary.ui.selection.SelectedNeurons;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javafx.beans.Observable;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableSet;

/**
 * State of the Prune tab: the width and depth settings, the sizes they give (recomputed on every change), the
 * data some choices need (an analysis, a bias report, the shared selection), and the last preview and export.
 * Use it on the FX thread only.
 */
public final class PruneViewModel {

    /** Empty-state text before any model is open. */
    public static final String NO_MODEL_TEXT = "Open a model to plan its pruning: File > Open model folder\u2026, "
            + "or the Model panel on the left.";
    /** The note on why every layer loses as many neurons as the layer with the most selected ones. */
    public static final String CONSTRAINT_NOTE = "All layers keep the same number of neurons because config.json "
            + "has one intermediate_size; layers with fewer selected neurons also lose their lowest-scoring ones.";
    /** Shown when the settings changed after the preview on screen. */
    public static final String STALE_TEXT = "The settings changed after this preview; press Preview to update it.";

    private final ReadOnlyObjectWrapper<ModelConfig> config = new ReadOnlyObjectWrapper<>(this, "config");
    private final ObjectProperty<WidthMode> widthMode = new SimpleObjectProperty<>(this, "widthMode",
            WidthMode.PERCENT);
    private final ObjectProperty<Double> percent = new SimpleObjectProperty<>(this, "percent", 25.0);
    private final ObjectProperty<Double> ratio = new SimpleObjectProperty<>(this, "ratio", 2.0);
    private final ObjectProperty<Integer> roundTo = new SimpleObjectProperty<>(this, "roundTo", 1);
    private final ObjectProperty<PruneScore> score = new SimpleObjectProperty<>(this, "score", PruneScore.PPM);
    private final ObjectProperty<NeuronScoreMethod> fairnessImportance = new SimpleObjectProperty<>(this,
            "fairnessImportance", NeuronScoreMethod.L2);
    private final DoubleProperty biasWeight = new SimpleDoubleProperty(this, "biasWeight", 1.0);
    private final ObjectProperty<DepthMode> depthMode = new SimpleObjectProperty<>(this, "depthMode",
            DepthMode.KEEP);
    private final ObservableSet<Integer> checkedLayers = FXCollections.observableSet(new TreeSet<>());
    private final ObjectProperty<Integer> layerCount = new SimpleObjectProperty<>(this, "layerCount", 1);
    private final ObjectProperty<LayerChoice> layerChoice = new SimpleObjectProperty<>(this, "layerChoice",
            LayerChoice.LAST);
    private final ObjectProperty<SelectedNeurons> selection = new SimpleObjectProperty<>(this, "selection",
            SelectedNeurons.EMPTY);
    private final ReadOnlyObjectWrapper<ActivationAnalysis> analysis = new ReadOnlyObjectWrapper<>(this, "analysis");
    private final ReadOnlyObjectWrapper<BiasReport> biasReport = new ReadOnlyObjectWrapper<>(this, "biasReport");

    private final ReadOnlyObjectWrapper<PlanSizes> sizes = new ReadOnlyObjectWrapper<>(this, "sizes");
    private final ReadOnlyStringWrapper planError = new ReadOnlyStringWrapper(this, "planError");
    private final ReadOnlyObjectWrapper<PreviewOutcome> preview = new ReadOnlyObjectWrapper<>(this, "preview");
    private final ReadOnlyBooleanWrapper previewStale = new ReadOnlyBooleanWrapper(this, "previewStale");
    private final ReadOnlyObjectWrapper<ExportOutcome> lastExport = new ReadOnlyObjectWrapper<>(this, "lastExport");

    private final FileChoices heldOut = new FileChoices();
    private final ObjectProperty<Integer> previewTokens = new SimpleObjectProperty<>(this, "previewTokens", 32);
    private final ObjectProperty<Integer> previewSetPrompts = new SimpleObjectProperty<>(this, "previewSetPrompts",
            2);

    private final BooleanBinding ready = config.isNotNull().and(planError.isNull());

    public PruneViewModel() {
        Observable[] inputs = {config, widthMode, percent, ratio, roundTo, score, fairnessImportance, biasWeight,
            depthMode, checkedLayers, layerCount, layerChoice, selection, analysis, biasReport};
        for (Observable input : inputs) {
            input.addListener(observable -> update());
        }
        update();
    }

    /**
     * Follows a newly opened model: clears the preview, the bias report and checked layers that no longer exist.
     *
     * @param opened the model's config, or null when none is open
     */
    public void setModel(ModelConfig opened) {
        preview.set(null);
        previewStale.set(false);
        biasReport.set(null);
        if (opened != null) {
            checkedLayers.removeIf(layer -> layer >= opened.numHiddenLayers());
            double current = (double) opened.intermediateSize() / opened.hiddenSize();
            if (ratio.get() == null || ratio.get() > current) {
                // Quarter steps below the model's own ratio, so that the default removes something.
                ratio.set(Math.max(0.25, Math.floor(current * 4 - 1) / 4));
            }
        }
        config.set(opened);
    }

    /** Sets the analysis whose statistics the activation score and layer influence use; null when none fits. */
    public void setAnalysis(ActivationAnalysis matching) {
        analysis.set(matching);
        if (matching == null && score.get() == PruneScore.ACTIVATION) {
            score.set(PruneScore.PPM);
        }
    }

    /** Sets the bias report that fairness scores use; null when there is none. */
    public void setBiasReport(BiasReport report) {
        biasReport.set(report);
        if (report == null && score.get() == PruneScore.FAIRNESS) {
            score.set(PruneScore.PPM);
        }
    }

    /** Returns whether a score can be chosen now: activation needs an analysis, fairness a bias report. */
    public boolean isAvailable(PruneScore choice) {
        return switch (choice) {
            case ACTIVATION -> analysis.get() != null;
            case FAIRNESS -> biasReport.get() != null;
            default -> true;
        };
    }

    /** Returns whether an importance can be combined with bias now: activation needs an analysis. */
    public boolean isAvailable(NeuronScoreMethod method) {
        return method != NeuronScoreMethod.ACTIVATION || analysis.get() != null;
    }

    /** Switches to fairness scores with a percentage target, as the Fairness tab's "Fairness prune" does. */
    public void useFairnessScores() {
        if (biasReport.get() == null) {
            return;
        }
        if (widthMode.get() == WidthMode.KEEP || widthMode.get() == WidthMode.SELECTION) {
            widthMode.set(WidthMode.PERCENT);
        }
        if (!isAvailable(fairnessImportance.get())) {
            fairnessImportance.set(NeuronScoreMethod.L2);
        }
        score.set(PruneScore.FAIRNESS);
    }

    /** Returns the current settings; check {@link #planErrorProperty()} first, since they may be invalid. */
    public PlanRequest request() {
        Map<Integer, Set<Integer>> selected = new HashMap<>();
        SelectedNeurons neurons = selection.get();
        for (int layer : neurons.layers()) {
            Set<Integer> set = new TreeSet<>();
            for (int neuron : neurons.neurons(layer)) {
                set.add(neuron);
            }
            selected.put(layer, set);
        }
        return new PlanRequest(widthMode.get(), valueOr(percent.get(), Double.NaN), valueOr(ratio.get(), Double.NaN),
                valueOr(roundTo.get(), 0), score.get(), fairnessImportance.get(), biasWeight.get(), depthMode.get(),
                checkedLayers, valueOr(layerCount.get(), 0), layerChoice.get(), selected);
    }

    private static <T> T valueOr(T value, T fallback) {
        return value == null ? fallback : value;
    }

    /** Returns the layer statistics of the analysis, or null without one. */
    public LayerStatistics influence() {
        return analysis.get() == null ? null : analysis.get().layers();
    }

    private void update() {
        ModelConfig current = config.get();
        if (current == null) {
            sizes.set(null);
            planError.set(null);
            previewStale.set(false);
            return;
        }
        PlanRequest request = request();
        try {
            checkScoreAvailable(request);
            sizes.set(PlanSizes.of(request, current, influence()));
            planError.set(null);
        } catch (IllegalArgumentException e) {
            sizes.set(null);
            planError.set(e.getMessage());
        }
        previewStale.set(preview.get() != null && !preview.get().request().equals(request));
    }

    private void checkScoreAvailable(PlanRequest request) {
        if (!request.needsScores()) {
            return;
        }
        if (!isAvailable(request.score())) {
            throw new IllegalArgumentException(request.score() == PruneScore.ACTIVATION
                    ? "The activation score needs an analysis of this model: capture a prompt set in the Analysis "
                            + "tab first, or choose another score."
                    : "Fairness scores need a bias report: measure one in the Fairness tab first.");
        }
        if (request.score() == PruneScore.FAIRNESS && !isAvailable(request.fairnessImportance())) {
            throw new IllegalArgumentException("Activation importance needs an analysis of this model: capture a "
                    + "prompt set in the Analysis tab first, or choose another importance.");
        }
    }

    /** Shows a finished preview. */
    public void showPreview(PreviewOutcome outcome) {
        preview.set(outcome);
        previewStale.set(!outcome.request().equals(request()));
    }

    /** Records a finished export, which the view offers to open. */
    public void showExport(ExportOutcome outcome) {
        lastExport.set(outcome);
    }

    /** Returns the model's config; null before a model is open. */
    public ReadOnlyObjectProperty<ModelConfig> configProperty() {
        return config.getReadOnlyProperty();
    }

    public ObjectProperty<WidthMode> widthModeProperty() {
        return widthMode;
    }

    /** Returns the property of the percentage of MLP neurons to remove, 0 to below 100. */
    public ObjectProperty<Double> percentProperty() {
        return percent;
    }

    /** Returns the property of the expansion ratio intermediate_size / hidden_size to keep. */
    public ObjectProperty<Double> ratioProperty() {
        return ratio;
    }

    public ObjectProperty<Integer> roundToProperty() {
        return roundTo;
    }

    public ObjectProperty<PruneScore> scoreProperty() {
        return score;
    }

    public ObjectProperty<NeuronScoreMethod> fairnessImportanceProperty() {
        return fairnessImportance;
    }

    /** Returns the property of the weight of bias against importance in fairness scores, 0 or more. */
    public DoubleProperty biasWeightProperty() {
        return biasWeight;
    }

    public ObjectProperty<DepthMode> depthModeProperty() {
        return depthMode;
    }

    /** Returns the layers checked for removal. */
    public ObservableSet<Integer> checkedLayers() {
        return checkedLayers;
    }

    public ObjectProperty<Integer> layerCountProperty() {
        return layerCount;
    }

    public ObjectProperty<LayerChoice> layerChoiceProperty() {
        return layerChoice;
    }

    /** Returns the property of the neurons that "Remove my selection" removes; the window binds it. */
    public ObjectProperty<SelectedNeurons> selectionProperty() {
        return selection;
    }

    /** Returns the property of the analysis of the open model; null when there is none. */
    public ReadOnlyObjectProperty<ActivationAnalysis> analysisProperty() {
        return analysis.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<BiasReport> biasReportProperty() {
        return biasReport.getReadOnlyProperty();
    }

    /** Returns the property of the sizes after pruning; null without a model or with invalid settings. */
    public ReadOnlyObjectProperty<PlanSizes> sizesProperty() {
        return sizes.getReadOnlyProperty();
    }

    /** Returns the property of why the settings are invalid; null while they are valid. */
    public ReadOnlyStringProperty planErrorProperty() {
        return planError.getReadOnlyProperty();
    }

    /** Returns whether a plan can be built: a model is open and the settings are valid. */
    public BooleanBinding readyBinding() {
        return ready;
    }

    /** Returns the property of the last preview; null before the first and after a model change. */
    public ReadOnlyObjectProperty<PreviewOutcome> previewProperty() {
        return preview.getReadOnlyProperty();
    }

    /** Returns whether the settings changed after the preview on screen. */
    public ReadOnlyBooleanProperty previewStaleProperty() {
        return previewStale.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ExportOutcome> lastExportProperty() {
        return lastExport.getReadOnlyProperty();
    }

    /** Returns the held-out text files for perplexity, and the chosen one. */
    public FileChoices heldOut() {
        return heldOut;
    }

    /** Returns the property of the new tokens each preview generation produces. */
    public ObjectProperty<Integer> previewTokensProperty() {
        return previewTokens;
    }

    /** Returns the property of how many prompts of the left panel's prompt set the preview adds. */
    public ObjectProperty<Integer> previewSetPromptsProperty() {
        return previewSetPrompts;
    }
}
