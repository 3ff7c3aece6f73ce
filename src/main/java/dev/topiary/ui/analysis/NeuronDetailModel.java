package dev.topiary.ui.analysis;

import dev.topiary.activations.ActivationAnalysis;
import dev.topiary.activations.NeuronMetric;
import dev.topiary.activations.TopExample;
import dev.topiary.ui.selection.NeuronId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * State of the neuron inspector: the statistics and top examples of the last clicked neuron, which come with
 * the analysis, and its weight norms and activation histogram, which arrive later from a background job. Use it
 * on the FX thread only.
 */
public final class NeuronDetailModel {

    /** Empty-state text before a neuron is clicked. */
    public static final String EMPTY_TEXT = "Click a neuron in the Analysis heatmap to see its statistics, "
            + "the histogram of its activations, its top examples and its weight norms.";

    /** One metric of the neuron, formatted for the inspector. */
    public record MetricValue(String label, String value) {}

    private final ReadOnlyObjectWrapper<NeuronId> neuron = new ReadOnlyObjectWrapper<>(this, "neuron");
    private final ReadOnlyStringWrapper title = new ReadOnlyStringWrapper(this, "title", "");
    private final ObservableList<MetricValue> metrics = FXCollections.observableArrayList();
    private final ObservableList<TopExample> topExamples = FXCollections.observableArrayList();
    // One read-only view each, kept here: such a view listens to its list only weakly, so a view made per call
    // could be collected together with the listeners that callers add to it.
    private final ObservableList<MetricValue> metricsView = FXCollections.unmodifiableObservableList(metrics);
    private final ObservableList<TopExample> topExamplesView = FXCollections.unmodifiableObservableList(topExamples);
    private final ReadOnlyObjectWrapper<WeightNorms> weightNorms = new ReadOnlyObjectWrapper<>(this, "weightNorms");
    private final ReadOnlyObjectWrapper<float[]> histogramValues =
            new ReadOnlyObjectWrapper<>(this, "histogramValues");
    private final ReadOnlyStringWrapper sampleStatus = new ReadOnlyStringWrapper(this, "sampleStatus", "");

    /** Shows what the analysis stores about a neuron and marks the background values as loading. */
    public void show(ActivationAnalysis analysis, NeuronId shown, String loadingText) {
        neuron.set(shown);
        title.set("Layer " + shown.layer() + ", neuron " + shown.neuron());
        List<MetricValue> values = new ArrayList<>();
        for (NeuronMetric metric : NeuronMetric.values()) {
            values.add(new MetricValue(metric.label(),
                    format(analysis.neurons().value(metric, shown.layer(), shown.neuron()))));
        }
        metrics.setAll(values);
        topExamples.setAll(analysis.topExamples().of(shown.layer(), shown.neuron()));
        weightNorms.set(null);
        histogramValues.set(null);
        sampleStatus.set(loadingText);
    }

    /** Shows the background values of a neuron; ignored unless that neuron is still the one shown. */
    public void showSample(NeuronId of, NeuronSample sample, String status) {
        if (!of.equals(neuron.get())) {
            return;
        }
        weightNorms.set(sample.norms());
        histogramValues.set(sample.values());
        sampleStatus.set(status);
    }

    /** Says why the background values of a neuron are missing; ignored unless that neuron is still shown. */
    public void showSampleUnavailable(NeuronId of, String reason) {
        if (of.equals(neuron.get())) {
            sampleStatus.set(reason);
        }
    }

    /** Clears the inspector back to its empty state. */
    public void clear() {
        neuron.set(null);
        title.set("");
        metrics.clear();
        topExamples.clear();
        weightNorms.set(null);
        histogramValues.set(null);
        sampleStatus.set("");
    }

    /** Formats a statistic with four significant digits. */
    public static String format(double value) {
        return String.format(Locale.ROOT, "%.4g", value);
    }

    /** Returns the property of the neuron shown; null while the inspector is empty. */
    public ReadOnlyObjectProperty<NeuronId> neuronProperty() {
        return neuron.getReadOnlyProperty();
    }

    /** Returns the property of the heading, such as "Layer 2, neuron 17". */
    public ReadOnlyStringProperty titleProperty() {
        return title.getReadOnlyProperty();
    }

    /** Returns every {@link NeuronMetric} of the neuron, in declaration order. */
    public ObservableList<MetricValue> metrics() {
        return metricsView;
    }

    /** Returns the neuron's top examples, largest activation first. */
    public ObservableList<TopExample> topExamples() {
        return topExamplesView;
    }

    /** Returns the property of the weight norms; null until they have been computed. */
    public ReadOnlyObjectProperty<WeightNorms> weightNormsProperty() {
        return weightNorms.getReadOnlyProperty();
    }

    /** Returns the property of the neuron's activations for the histogram; null until they have been collected. */
    public ReadOnlyObjectProperty<float[]> histogramValuesProperty() {
        return histogramValues.getReadOnlyProperty();
    }

    /** Returns the property of the line on the background values: loading, what they cover, or why missing. */
    public ReadOnlyStringProperty sampleStatusProperty() {
        return sampleStatus.getReadOnlyProperty();
    }
}
