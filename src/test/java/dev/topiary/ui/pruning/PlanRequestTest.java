package dev.topiary.ui.pruning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.model.Architecture;
import dev.topiary.model.ModelConfig;
import dev.topiary.pruning.LayerChoice;
import dev.topiary.pruning.NeuronScoreMethod;
import dev.topiary.pruning.PrunePlan;
import dev.topiary.ui.pruning.PlanRequest.DepthMode;
import dev.topiary.ui.pruning.PlanRequest.WidthMode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Plans and sizes on a small Llama config with stories260K's shape: D 64, F 172, 5 layers, V 512. */
class PlanRequestTest {

    private static final ModelConfig CONFIG = new ModelConfig(Architecture.LLAMA, 64, 172, 5, 8, 4, 8, 512, 512,
            1e-5, 10000, null, true, false, 0, 1, List.of(2));
    /** Parameters of one layer's MLP per neuron: a gate_proj row, an up_proj row and a down_proj column. */
    private static final long MLP_PER_NEURON = 3L * 64;

    @Test
    void percentTargetRoundsKeptWidth() {
        PlanSizes sizes = PlanSizes.of(request(WidthMode.PERCENT, 25, 8, DepthMode.KEEP, Set.of(), Map.of()), CONFIG,
                null);

        // 172 * 0.75 = 129, and the nearest multiple of 8 is 128.
        assertEquals(128, sizes.intermediateAfter());
        assertEquals(5, sizes.layersAfter());
        assertEquals(CONFIG.parameterCount() - 5 * 44 * MLP_PER_NEURON, sizes.parametersAfter());
        assertEquals(5 * 44 * MLP_PER_NEURON / (double) CONFIG.parameterCount(), sizes.savedFraction(), 1e-12);
    }

    @Test
    void checkedLayersLeaveTheModel() {
        PlanRequest request = request(WidthMode.KEEP, 0, 1, DepthMode.CHECKED, Set.of(3, 1), Map.of());
        PlanSizes sizes = PlanSizes.of(request, CONFIG, null);

        assertEquals("keep every MLP neuron; remove layers 1, 3", request.describe());

        assertEquals(172, sizes.intermediateAfter());
        assertEquals(3, sizes.layersAfter());
        assertEquals(Set.of(1, 3), sizes.removedLayers());
        long perLayer = (CONFIG.parameterCount() - 512L * 64 - 64) / 5;
        assertEquals(CONFIG.parameterCount() - 2 * perLayer, sizes.parametersAfter());
    }

    @Test
    void selectionRemovesMostSelectedCountEverywhere() {
        Map<Integer, Set<Integer>> selected = Map.of(1, Set.of(3, 4, 5), 2, Set.of(7));
        PlanRequest request = request(WidthMode.SELECTION, 0, 1, DepthMode.KEEP, Set.of(), selected);
        float[][] scores = new float[5][172];
        for (int layer = 0; layer < 5; layer++) {
            for (int neuron = 0; neuron < 172; neuron++) {
                scores[layer][neuron] = neuron;
            }
        }

        PrunePlan plan = request.build(CONFIG, scores, null, null);

        assertEquals(169, PlanSizes.of(request, CONFIG, null).intermediateAfter());
        assertEquals(169, plan.intermediateSize());
        assertArrayEquals(new int[] {3, 4, 5}, plan.removedNeurons(1, 172));
        // Layer 2 loses its selected neuron and its two lowest-scoring others; layer 0 its three lowest.
        assertArrayEquals(new int[] {0, 1, 7}, plan.removedNeurons(2, 172));
        assertArrayEquals(new int[] {0, 1, 2}, plan.removedNeurons(0, 172));
    }

    @Test
    void invalidSettingsAreExplained() {
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> PlanSizes.of(
                request(WidthMode.SELECTION, 0, 1, DepthMode.KEEP, Set.of(), Map.of()), CONFIG, null));
        assertTrue(empty.getMessage().startsWith("No neurons are selected"), empty.getMessage());

        IllegalArgumentException ratio = assertThrows(IllegalArgumentException.class, () -> PlanSizes.of(
                request(WidthMode.RATIO, 3.0, 1, DepthMode.KEEP, Set.of(), Map.of()), CONFIG, null));
        assertTrue(ratio.getMessage().contains("more than the 172"), ratio.getMessage());

        IllegalArgumentException allLayers = assertThrows(IllegalArgumentException.class, () -> PlanSizes.of(
                request(WidthMode.KEEP, 0, 1, DepthMode.CHECKED, Set.of(0, 1, 2, 3, 4), Map.of()), CONFIG, null));
        assertTrue(allLayers.getMessage().contains("keep at least one"), allLayers.getMessage());

        PlanRequest influence = new PlanRequest(WidthMode.KEEP, 0, 0, 1, PruneScore.PPM, NeuronScoreMethod.L2, 1,
                DepthMode.COUNT, Set.of(), 2, LayerChoice.INFLUENCE, Map.of());
        IllegalArgumentException noAnalysis = assertThrows(IllegalArgumentException.class,
                () -> PlanSizes.of(influence, CONFIG, null));
        assertTrue(noAnalysis.getMessage().contains("needs an analysis"), noAnalysis.getMessage());
    }

    @Test
    void fairnessLowersBiasedNeurons() {
        PlanRequest request = new PlanRequest(WidthMode.PERCENT, 50, 0, 1, PruneScore.FAIRNESS, NeuronScoreMethod.L2,
                2.0, DepthMode.COUNT, Set.of(), 1, LayerChoice.LAST, Map.of());
        float[][] importance = new float[5][172];
        float[][] bias = new float[5][172];
        for (int layer = 0; layer < 5; layer++) {
            java.util.Arrays.fill(importance[layer], 1f);
            bias[layer][10] = 1f;
        }

        PrunePlan plan = request.build(CONFIG, importance, bias, null);

        assertEquals(86, plan.intermediateSize());
        assertEquals(Set.of(4), plan.removedLayers());
        for (int layer = 0; layer < 4; layer++) {
            assertTrue(java.util.Arrays.binarySearch(plan.removedNeurons(layer, 172), 10) >= 0, "layer " + layer);
        }
    }

    private static PlanRequest request(WidthMode width, double amount, int roundTo, DepthMode depth,
            Set<Integer> layers, Map<Integer, Set<Integer>> selection) {
        return new PlanRequest(width, width == WidthMode.PERCENT ? amount : 0, width == WidthMode.RATIO ? amount : 0,
                roundTo, PruneScore.PPM, NeuronScoreMethod.L2, 1, depth, layers, 1, LayerChoice.LAST, selection);
    }
}
