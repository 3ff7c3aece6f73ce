package dev.topiary.ui.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.activations.ActivationAnalysis;
import dev.topiary.activations.AnalysisInfo;
import dev.topiary.activations.LayerStatistics;
import dev.topiary.activations.NeuronMetric;
import dev.topiary.activations.NeuronStatistics;
import dev.topiary.activations.PromptSet;
import dev.topiary.activations.TopExamples;
import dev.topiary.ui.activations.HeatmapCell;
import dev.topiary.ui.activations.MlpActivations;
import dev.topiary.ui.activations.ValueScale;
import dev.topiary.ui.selection.NeuronId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** State of the Analysis tab on a small hand-made analysis: 2 layers of 4 neurons over 2 tokens. */
class AnalysisViewModelTest {

    /** Sums over the 2 tokens, per layer and neuron. */
    private static final float[][] SUMS = {{2f, -4f, 6f, 0f}, {1f, 3f, -1f, 8f}};

    private static ActivationAnalysis sampleAnalysis(int promptsDone) {
        NeuronStatistics neurons = new NeuronStatistics(2, 4, 0f);
        for (int layer = 0; layer < 2; layer++) {
            float[] sums = SUMS[layer];
            float[] sumAbs = new float[4];
            float[] squares = new float[4];
            float[] max = new float[4];
            float[] active = new float[4];
            for (int neuron = 0; neuron < 4; neuron++) {
                sumAbs[neuron] = Math.abs(sums[neuron]);
                squares[neuron] = sums[neuron] * sums[neuron] / 2;
                max[neuron] = sums[neuron] / 2;
                active[neuron] = sums[neuron] > 0 ? 2 : 0;
            }
            neurons.add(layer, sums, sumAbs, squares, max, active);
        }
        neurons.addTokens(2);
        LayerStatistics layers = new LayerStatistics(2);
        layers.add(0, 2, 1.8);
        layers.add(1, 4, 1.6);
        layers.addTokens(2);
        TopExamples top = new TopExamples(2, 4, 2);
        top.offer(1, 2, 0.5f, 0, 1);
        top.offer(1, 2, 0.9f, 1, 0);
        top.describeNew((prompt, position) -> new String[] {"t" + prompt, "a [[t" + prompt + "]] b"});
        AnalysisInfo info = new AnalysisInfo("tiny", "/models/tiny", "set", "", promptsDone, 2, 2, 0, 8, 0f, 2);
        return new ActivationAnalysis(info, neurons, layers, top);
    }

    @Test
    void heatmapShowsChosenMetric() {
        AnalysisViewModel viewModel = new AnalysisViewModel();
        viewModel.show(sampleAnalysis(2), null, "no prompts");

        assertEquals(ValueScale.MAGNITUDE, viewModel.heatmapProperty().get().scale());
        assertEquals(2f, viewModel.heatmapProperty().get().valueAt(0, 1));
        assertEquals("mean |a| of MLP neurons (mlp.hook_post) over 2 prompts of set",
                viewModel.heatmapProperty().get().valueLabel());

        viewModel.metricProperty().set(NeuronMetric.MEAN);

        assertEquals(ValueScale.SIGNED, viewModel.heatmapProperty().get().scale());
        assertEquals(-2f, viewModel.heatmapProperty().get().valueAt(0, 1));
        assertEquals(4f, viewModel.heatmapProperty().get().valueAt(1, 3));
    }

    @Test
    void sortOrdersEachLayerByMetric() {
        AnalysisViewModel viewModel = new AnalysisViewModel();
        viewModel.show(sampleAnalysis(2), null, "no prompts");
        viewModel.metricProperty().set(NeuronMetric.MEAN);
        assertFalse(viewModel.columnOrderProperty().get().sorted());

        viewModel.sortedProperty().set(true);

        ColumnOrder order = viewModel.columnOrderProperty().get();
        assertTrue(order.sorted());
        assertEquals(List.of(2, 0, 3, 1), List.of(order.neuronAt(0, 0), order.neuronAt(0, 1), order.neuronAt(0, 2),
                order.neuronAt(0, 3)));
        assertEquals(3, order.neuronAt(1, 0));

        // A new metric re-sorts.
        viewModel.metricProperty().set(NeuronMetric.MEAN_ABS);
        assertEquals(List.of(2, 1, 0, 3), List.of(viewModel.columnOrderProperty().get().neuronAt(0, 0),
                viewModel.columnOrderProperty().get().neuronAt(0, 1), viewModel.columnOrderProperty().get()
                        .neuronAt(0, 2), viewModel.columnOrderProperty().get().neuronAt(0, 3)));
    }

    @Test
    void hoverTextNamesTrueNeuronAndRank() {
        AnalysisViewModel viewModel = new AnalysisViewModel();
        viewModel.show(sampleAnalysis(2), null, "no prompts");
        assertEquals("Layer 0, neuron 1: mean |a| = 2.000", viewModel.describe(new HeatmapCell(0, 1, 2f)));

        viewModel.sortedProperty().set(true);

        assertEquals("Layer 0, neuron 1: mean |a| = 2.000 (rank 1 of 4 in its layer)",
                viewModel.describe(new HeatmapCell(0, 1, 2f)));
    }

    @Test
    void summaryMarksPartialCapture() {
        AnalysisViewModel viewModel = new AnalysisViewModel();

        viewModel.show(sampleAnalysis(1), null, "no prompts");

        assertEquals("tiny on set: 1 of 2 prompts, 2 tokens (batch 8, top-k 2, threshold 0.000). Partial: the "
                + "capture was cancelled", viewModel.summaryProperty().get());
        assertNull(viewModel.placeholderProperty().get());
    }

    @Test
    void focusFillsInspector() {
        AnalysisViewModel viewModel = new AnalysisViewModel();
        viewModel.show(sampleAnalysis(2), null, "no prompts");

        viewModel.focus(new NeuronId(1, 2));

        NeuronDetailModel detail = viewModel.detail();
        assertEquals("Layer 1, neuron 2", detail.titleProperty().get());
        assertEquals(6, detail.metrics().size());
        assertEquals(new NeuronDetailModel.MetricValue("mean", "-0.5000"), detail.metrics().get(0));
        assertEquals(2, detail.topExamples().size());
        assertEquals(0.9f, detail.topExamples().get(0).value());
        assertEquals("a [[t1]] b", detail.topExamples().get(0).context());
        assertEquals(AnalysisViewModel.LOADING_TEXT, detail.sampleStatusProperty().get());

        // A result for a neuron that is no longer shown is dropped.
        detail.showSample(new NeuronId(0, 0), new NeuronSample(new float[] {1f}, 1, new WeightNorms(1, 2, 3)), "x");
        assertNull(detail.weightNormsProperty().get());
        detail.showSample(new NeuronId(1, 2), new NeuronSample(new float[] {1f}, 1, new WeightNorms(1, 2, 3)), "x");
        assertEquals(new WeightNorms(1, 2, 3), detail.weightNormsProperty().get());
    }

    @Test
    void focusListenerCanReportAtOnce() {
        AnalysisViewModel viewModel = new AnalysisViewModel();
        viewModel.show(sampleAnalysis(2), null, "no prompts");
        viewModel.focusedNeuronProperty().addListener((property, before, neuron) ->
                viewModel.detail().showSampleUnavailable(neuron, "open the model"));

        viewModel.focus(new NeuronId(0, 3));

        assertEquals("open the model", viewModel.detail().sampleStatusProperty().get());
    }

    @Test
    void focusOutsideAnalysisIsIgnored() {
        AnalysisViewModel viewModel = new AnalysisViewModel();
        viewModel.show(sampleAnalysis(2), null, "no prompts");

        viewModel.focus(new NeuronId(2, 0));
        viewModel.focus(new NeuronId(0, 4));

        assertNull(viewModel.focusedNeuronProperty().get());
    }

    @Test
    void emptyStateFollowsModel() {
        AnalysisViewModel viewModel = new AnalysisViewModel();
        assertEquals(AnalysisViewModel.NO_MODEL_TEXT, viewModel.placeholderProperty().get());

        viewModel.setModelOpen(true);

        assertEquals(AnalysisViewModel.NO_ANALYSIS_TEXT, viewModel.placeholderProperty().get());
    }

    @Test
    void tokenChipsTakeNeuronActivation() {
        PromptTokensModel tokens = new PromptTokensModel();
        tokens.setPromptSet(PromptSet.of("set", List.of("a b", "c")), "");
        assertEquals(List.of("1: a b", "2: c"), tokens.choices());
        assertEquals(0, tokens.selectedPromptProperty().get());
        // [L][T][F] = [1][3][2]
        MlpActivations activations = MlpActivations.of(new float[][][] {{{0.5f, 1f}, {-2f, 0f}, {1f, 0f}}});

        tokens.showTokens(new PromptTokens(0, List.of("<s>", " a", " b"), activations));
        PromptTokensModel.TokenChips chips = tokens.chips(new NeuronId(0, 0), 1f);

        assertEquals(3, chips.chips().size());
        assertEquals(2f, chips.limit());
        assertEquals(-2f, chips.chips().get(1).value());
        assertEquals(" a", chips.chips().get(1).text());
        assertTrue(tokens.chips(new NeuronId(0, 2), 0).chips().isEmpty());

        // Tokens of a prompt that is no longer chosen are dropped.
        tokens.selectedPromptProperty().set(1);
        tokens.showTokens(new PromptTokens(0, List.of("<s>", " a", " b"), activations));
        assertNull(tokens.tokensProperty().get());
    }
}
