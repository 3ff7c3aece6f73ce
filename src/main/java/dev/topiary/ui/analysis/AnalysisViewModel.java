package dev.topiary.ui.analysis;

import dev.topiary.activations.ActivationAnalysis;
import dev.topiary.activations.AnalysisInfo;
import dev.topiary.activations.NeuronMetric;
import dev.topiary.activations.PromptSet;
import dev.topiary.ui.Counts;
import dev.topiary.ui.activations.HeatmapCell;
import dev.topiary.ui.activations.HeatmapMatrix;
import dev.topiary.ui.activations.ValueScale;
import dev.topiary.ui.selection.NeuronId;
import java.util.Locale;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;

/**
 * State of the Analysis tab: the analysis shown, the metric and column order of its heatmap, the neuron last
 * clicked (which the inspector and the per-token view follow), and the empty-state text. Use it on the FX thread
 * only.
 */
public final class AnalysisViewModel {

    /** Empty-state text before any model is open. */
    public static final String NO_MODEL_TEXT = "Open a model and a prompt set, then press Capture "
            + "(Prompt set, on the left). Or open a saved analysis with File > Open analysis\u2026";
    /** Empty-state text once a model is open but nothing has been captured. */
    public static final String NO_ANALYSIS_TEXT = "Choose a prompt set on the left and press Capture to see "
            + "statistics of every MLP neuron over it, or open a saved analysis with File > Open analysis\u2026";

    /** The inspector's line while the weight norms and the histogram are computed. */
    static final String LOADING_TEXT = "Computing the histogram and the weight norms\u2026";

    private final ReadOnlyObjectWrapper<ActivationAnalysis> analysis = new ReadOnlyObjectWrapper<>(this, "analysis");
    private final ObjectProperty<NeuronMetric> metric = new SimpleObjectProperty<>(this, "metric",
            NeuronMetric.MEAN_ABS);
    private final BooleanProperty sorted = new SimpleBooleanProperty(this, "sorted");
    private final ReadOnlyObjectWrapper<HeatmapMatrix> heatmap = new ReadOnlyObjectWrapper<>(this, "heatmap");
    private final ReadOnlyObjectWrapper<ColumnOrder> columnOrder = new ReadOnlyObjectWrapper<>(this, "columnOrder");
    private final ReadOnlyObjectWrapper<NeuronId> focusedNeuron = new ReadOnlyObjectWrapper<>(this, "focusedNeuron");
    private final ReadOnlyStringWrapper placeholder = new ReadOnlyStringWrapper(this, "placeholder", NO_MODEL_TEXT);
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper(this, "summary", "");
    private final NeuronDetailModel detail = new NeuronDetailModel();
    private final PromptTokensModel tokens = new PromptTokensModel();
    private boolean modelOpen;

    public AnalysisViewModel() {
        metric.addListener(observable -> updateHeatmap());
        sorted.addListener(observable -> updateOrder());
    }

    /** Records whether a model is open, which changes the empty-state text. */
    public void setModelOpen(boolean open) {
        modelOpen = open;
        if (analysis.get() == null) {
            placeholder.set(open ? NO_ANALYSIS_TEXT : NO_MODEL_TEXT);
        }
    }

    /**
     * Shows an analysis and clears the inspector.
     *
     * @param set the prompts it was captured from, or null when they are not available
     * @param promptSetMissingText why the prompts are not available, shown in the per-token view
     */
    public void show(ActivationAnalysis shown, PromptSet set, String promptSetMissingText) {
        analysis.set(shown);
        focusedNeuron.set(null);
        detail.clear();
        summary.set(summarize(shown.info()));
        placeholder.set(null);
        updateHeatmap();
        tokens.setPromptSet(set, promptSetMissingText);
    }

    /** Removes the analysis and shows the empty state. */
    public void clear() {
        analysis.set(null);
        focusedNeuron.set(null);
        detail.clear();
        heatmap.set(null);
        columnOrder.set(null);
        summary.set("");
        tokens.setPromptSet(null, "");
        placeholder.set(modelOpen ? NO_ANALYSIS_TEXT : NO_MODEL_TEXT);
    }

    /** Makes a neuron the one the inspector and the per-token view show. */
    public void focus(NeuronId neuron) {
        ActivationAnalysis current = analysis.get();
        if (current == null || neuron.layer() >= current.neurons().layers()
                || neuron.neuron() >= current.neurons().neurons()) {
            return;
        }
        // The inspector first, because listeners of the focused neuron may at once report on its background values.
        detail.show(current, neuron, LOADING_TEXT);
        focusedNeuron.set(neuron);
    }

    private void updateHeatmap() {
        ActivationAnalysis current = analysis.get();
        if (current == null) {
            return;
        }
        NeuronMetric shown = metric.get();
        float[][] values = current.neurons().matrix(shown);
        int layers = values.length;
        int neurons = current.neurons().neurons();
        float[] cells = new float[layers * neurons];
        for (int layer = 0; layer < layers; layer++) {
            System.arraycopy(values[layer], 0, cells, layer * neurons, neurons);
        }
        AnalysisInfo info = current.info();
        // The metric first, so that it stays when a narrow heatmap cuts the end of the title.
        String title = shown.label() + " of MLP neurons (mlp.hook_post) over "
                + Counts.of(info.promptsDone(), "prompt") + " of " + info.promptSetName();
        heatmap.set(new HeatmapMatrix(layers, neurons, cells, shown.signed() ? ValueScale.SIGNED
                : ValueScale.MAGNITUDE, title));
        updateOrder();
    }

    private void updateOrder() {
        HeatmapMatrix values = heatmap.get();
        if (values == null) {
            columnOrder.set(null);
            return;
        }
        columnOrder.set(sorted.get()
                ? ColumnOrder.descending(values)
                : ColumnOrder.identity(values.rows(), values.columns()));
    }

    /** Describes a heatmap cell for the hover line: layer, neuron, metric value and, when sorted, its rank. */
    public String describe(HeatmapCell cell) {
        if (cell == null || analysis.get() == null) {
            return "Point at a cell to see its layer, neuron and value; click it to inspect the neuron";
        }
        String text = "Layer " + cell.layer() + ", neuron " + cell.neuron() + ": " + metric.get().label() + " = "
                + NeuronDetailModel.format(cell.value());
        ColumnOrder order = columnOrder.get();
        if (order != null && order.sorted()) {
            text += " (rank " + order.columnOf(cell.layer(), cell.neuron()) + " of " + order.neurons()
                    + " in its layer)";
        }
        return text;
    }

    /** Describes what a click on a layer number does, for the hover line. */
    public String describeLayerLabel(int layer) {
        ActivationAnalysis current = analysis.get();
        int neurons = current == null ? 0 : current.neurons().neurons();
        return "Click to select all " + neurons + " neurons of layer " + layer + "; Ctrl+click adds them";
    }

    private static String summarize(AnalysisInfo info) {
        String text = String.format(Locale.ROOT, "%s on %s: %d of %s, %s (batch %d, top-k %d, threshold %s)",
                info.modelName(), info.promptSetName(), info.promptsDone(), Counts.of(info.promptCount(), "prompt"),
                Counts.of(info.tokens(), "token"), info.batchSize(), info.topK(),
                NeuronDetailModel.format(info.threshold()));
        if (info.partial()) {
            text += ". Partial: the capture was cancelled";
        }
        if (info.truncatedPrompts() > 0) {
            text += ". " + Counts.of(info.truncatedPrompts(), "prompt was", "prompts were") + " truncated";
        }
        return text;
    }

    /** Returns the property of the analysis shown; null while the tab is empty. */
    public ReadOnlyObjectProperty<ActivationAnalysis> analysisProperty() {
        return analysis.getReadOnlyProperty();
    }

    /** Returns the property of the metric the heatmap shows. */
    public ObjectProperty<NeuronMetric> metricProperty() {
        return metric;
    }

    /** Returns the property of whether each layer's neurons are sorted by the metric, largest first. */
    public BooleanProperty sortedProperty() {
        return sorted;
    }

    /** Returns the property of the heatmap's values, in neuron order. */
    public ReadOnlyObjectProperty<HeatmapMatrix> heatmapProperty() {
        return heatmap.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ColumnOrder> columnOrderProperty() {
        return columnOrder.getReadOnlyProperty();
    }

    /** Returns the property of the neuron last clicked; null until one is. */
    public ReadOnlyObjectProperty<NeuronId> focusedNeuronProperty() {
        return focusedNeuron.getReadOnlyProperty();
    }

    /** Returns the property of the empty-state text; null while an analysis is shown. */
    public ReadOnlyStringProperty placeholderProperty() {
        return placeholder.getReadOnlyProperty();
    }

    /** Returns the property of the line on what the analysis covers. */
    public ReadOnlyStringProperty summaryProperty() {
        return summary.getReadOnlyProperty();
    }

    public NeuronDetailModel detail() {
        return detail;
    }

    public PromptTokensModel tokens() {
        return tokens;
    }
}
