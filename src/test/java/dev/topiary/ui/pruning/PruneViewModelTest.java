package dev.topiary.ui.pruning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.model.Architecture;
import dev.topiary.model.ModelConfig;
import dev.topiary.pruning.BiasReport;
import dev.topiary.pruning.PrunePlan;
import dev.topiary.pruning.PrunePreview;
import dev.topiary.ui.pruning.PlanRequest.WidthMode;
import dev.topiary.ui.selection.SelectedNeurons;
import java.util.List;
import org.junit.jupiter.api.Test;

class PruneViewModelTest {

    private static final ModelConfig CONFIG = new ModelConfig(Architecture.LLAMA, 64, 172, 5, 8, 4, 8, 512, 512,
            1e-5, 10000, null, true, false, 0, 1, List.of(2));

    @Test
    void sizesFollowEverySetting() {
        PruneViewModel model = new PruneViewModel();
        assertNull(model.sizesProperty().get());

        model.setModel(CONFIG);
        assertEquals(129, model.sizesProperty().get().intermediateAfter());

        model.percentProperty().set(50.0);
        assertEquals(86, model.sizesProperty().get().intermediateAfter());
        model.checkedLayers().add(4);
        model.depthModeProperty().set(PlanRequest.DepthMode.CHECKED);
        assertEquals(4, model.sizesProperty().get().layersAfter());
        assertNull(model.planErrorProperty().get());
        assertTrue(model.readyBinding().get());
    }

    @Test
    void unavailableScoreIsAnError() {
        PruneViewModel model = new PruneViewModel();
        model.setModel(CONFIG);

        model.scoreProperty().set(PruneScore.ACTIVATION);

        assertFalse(model.isAvailable(PruneScore.ACTIVATION));
        assertTrue(model.planErrorProperty().get().startsWith("The activation score needs an analysis"),
                model.planErrorProperty().get());
        assertNull(model.sizesProperty().get());
        assertFalse(model.readyBinding().get());
    }

    @Test
    void fairnessNeedsBiasReport() {
        PruneViewModel model = new PruneViewModel();
        model.setModel(CONFIG);
        model.widthModeProperty().set(WidthMode.SELECTION);
        model.selectionProperty().set(SelectedNeurons.of(1, 5, 6));

        model.useFairnessScores();
        assertEquals(PruneScore.PPM, model.scoreProperty().get(), "no report, no switch");

        model.setBiasReport(new BiasReport(new float[5][172], new double[5], new float[5][0][], List.of()));
        model.useFairnessScores();
        assertEquals(PruneScore.FAIRNESS, model.scoreProperty().get());
        assertEquals(WidthMode.PERCENT, model.widthModeProperty().get());

        model.setBiasReport(null);
        assertEquals(PruneScore.PPM, model.scoreProperty().get());
    }

    @Test
    void previewTurnsStaleOnChange() {
        PruneViewModel model = new PruneViewModel();
        model.setModel(CONFIG);
        PrunePreview.Result result = new PrunePreview.Result(List.of(), 1, 2, 100, 90);
        model.showPreview(new PreviewOutcome(model.request(), PrunePlan.identity(CONFIG), result, "stories", 30));
        assertFalse(model.previewStaleProperty().get());

        model.percentProperty().set(30.0);
        assertTrue(model.previewStaleProperty().get());
        model.percentProperty().set(25.0);
        assertFalse(model.previewStaleProperty().get());

        model.percentProperty().set(40.0);
        model.setModel(CONFIG);
        assertNull(model.previewProperty().get());
        assertFalse(model.previewStaleProperty().get());
    }
}
