package dev.topiary.ui.activations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.model.StopReason;
import java.util.List;
import org.junit.jupiter.api.Test;

class ActivationsViewModelTest {

    private static PromptRun sampleRun() {
        MlpActivations activations = MlpActivations.of(new float[][][] {
            {{1, -2}, {3, 0}, {-5, 4}},
            {{0.5f, 0.5f}, {-0.5f, 1.5f}, {0, -3}}
        });
        return new PromptRun("Hi", " there", List.of("<s>", " Hi", " there"), 2, 2, StopReason.MAX_NEW_TOKENS, 0,
                activations);
    }

    @Test
    void startsAskingForModel() {
        ActivationsViewModel viewModel = new ActivationsViewModel();

        assertEquals(ActivationsViewModel.NO_MODEL_TEXT, viewModel.placeholderProperty().get());
        assertNull(viewModel.heatmapProperty().get());
    }

    @Test
    void showingRunOffersMeanThenEveryPosition() {
        ActivationsViewModel viewModel = new ActivationsViewModel();

        viewModel.show(sampleRun());

        assertNull(viewModel.placeholderProperty().get());
        assertEquals(4, viewModel.tokenChoices().size());
        assertTrue(viewModel.selectedTokenProperty().get().isMean());
        assertEquals(ValueScale.MAGNITUDE, viewModel.heatmapProperty().get().scale());
        assertEquals("1: \u2018 Hi\u2019 (prompt)", viewModel.tokenChoices().get(2).label());
        assertEquals("2: \u2018 there\u2019 (generated)", viewModel.tokenChoices().get(3).label());
    }

    @Test
    void choosingPositionShowsSignedValues() {
        ActivationsViewModel viewModel = new ActivationsViewModel();
        viewModel.show(sampleRun());

        viewModel.selectedTokenProperty().set(viewModel.tokenChoices().get(3));

        HeatmapMatrix matrix = viewModel.heatmapProperty().get();
        assertEquals(ValueScale.SIGNED, matrix.scale());
        assertEquals(-5f, matrix.valueAt(0, 0));
        assertEquals("a at token 2 \u2018 there\u2019", matrix.valueLabel());
    }

    @Test
    void describesCellWithToken() {
        ActivationsViewModel viewModel = new ActivationsViewModel();
        viewModel.show(sampleRun());
        viewModel.selectedTokenProperty().set(viewModel.tokenChoices().get(2));

        String text = viewModel.describe(new HeatmapCell(1, 1, 1.5f));

        assertEquals("Layer 1, neuron 1: a = 1.500 at token 1 \u2018 Hi\u2019", text);
    }

    @Test
    void describesMeanCellWithPeakToken() {
        ActivationsViewModel viewModel = new ActivationsViewModel();
        viewModel.show(sampleRun());

        String text = viewModel.describe(new HeatmapCell(0, 0, 3f));

        assertEquals("Layer 0, neuron 0: mean |a| = 3.000, largest |a| = 5.000 at token 2 \u2018 there\u2019", text);
    }

    @Test
    void newModelClearsRun() {
        ActivationsViewModel viewModel = new ActivationsViewModel();
        viewModel.show(sampleRun());

        viewModel.showNoRun();

        assertEquals(ActivationsViewModel.NO_RUN_TEXT, viewModel.placeholderProperty().get());
        assertTrue(viewModel.tokenChoices().isEmpty());
        assertNull(viewModel.heatmapProperty().get());
    }
}
