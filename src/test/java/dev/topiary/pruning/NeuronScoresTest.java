package dev.topiary.pruning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.topiary.model.Architecture;
import dev.topiary.model.ModelConfig;
import dev.topiary.model.TensorSource;
import dev.topiary.model.WeightNames;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each score formula on a hand-written layer of two neurons with three inputs each. */
class NeuronScoresTest {

    private static final ModelConfig CONFIG = new ModelConfig(Architecture.LLAMA, 3, 2, 1, 1, 1, 3, 8, 16, 1e-5,
            10000, null, true, false, 0, 1, List.of(2));

    // gate rows: neuron 0 = [1, -2, 3], neuron 1 = [0, 0, 4]; up rows: neuron 0 = [2, 2, 2], neuron 1 = [-1, 1, 0]
    private static final float[] GATE = {1, -2, 3, 0, 0, 4};
    private static final float[] UP = {2, 2, 2, -1, 1, 0};
    // down [D=3, F=2]: column 0 = [3, 0, 4] (norm 5), column 1 = [1, 0, 0] (norm 1)
    private static final float[] DOWN = {3, 1, 0, 0, 4, 0};

    private static final TensorSource TENSORS = new TensorSource() {
        private final Map<String, float[]> values = Map.of(
                WeightNames.layer(0, WeightNames.GATE_PROJ), GATE,
                WeightNames.layer(0, WeightNames.UP_PROJ), UP,
                WeightNames.layer(0, WeightNames.DOWN_PROJ), DOWN);

        @Override
        public Set<String> names() {
            return values.keySet();
        }

        @Override
        public long[] shape(String name) {
            return null;
        }

        @Override
        public Path fileOf(String name) {
            return Path.of("test");
        }

        @Override
        public String dtypeOf(String name) {
            return "F32";
        }

        @Override
        public float[] read(String name) {
            return values.get(name);
        }

        @Override
        public void close() {}
    };

    private static float[] scores(NeuronScoreMethod method) throws Exception {
        return NeuronScores.compute(method, CONFIG, TENSORS, null)[0];
    }

    @Test
    void peakToPeakAddsMaxAndAbsMin() throws Exception {
        // neuron 0: (3 + 2) + (2 + 2) = 9; neuron 1: (4 + 0) + (1 + 1) = 6
        assertArrayEquals(new float[] {9, 6}, scores(NeuronScoreMethod.PPM), 1e-6f);
    }

    @Test
    void varianceOfWeightsIsPopulationVariance() throws Exception {
        // neuron 0: var(1, -2, 3) = 38/9, var(2, 2, 2) = 0; neuron 1: var(0, 0, 4) = 32/9, var(-1, 1, 0) = 2/3
        assertArrayEquals(new float[] {38f / 9, 32f / 9 + 2f / 3}, scores(NeuronScoreMethod.VOW), 1e-6f);
    }

    @Test
    void productOfNormsMultipliesL1Norms() throws Exception {
        // neuron 0: 6 * 6 = 36; neuron 1: 4 * 2 = 8
        assertArrayEquals(new float[] {36, 8}, scores(NeuronScoreMethod.PON), 1e-6f);
    }

    @Test
    void l2AddsRowNorms() throws Exception {
        // neuron 0: sqrt(14) + sqrt(12); neuron 1: 4 + sqrt(2)
        assertArrayEquals(new float[] {(float) (Math.sqrt(14) + Math.sqrt(12)), (float) (4 + Math.sqrt(2))},
                scores(NeuronScoreMethod.L2), 1e-6f);
    }

    @Test
    void activationScoreNeedsStatistics() {
        assertThrows(IllegalArgumentException.class,
                () -> NeuronScores.compute(NeuronScoreMethod.ACTIVATION, CONFIG, TENSORS, null));
    }

    @Test
    void activationScoreMultipliesDownNormByActivationNorm() throws Exception {
        dev.topiary.activations.NeuronStatistics statistics = new dev.topiary.activations.NeuronStatistics(1, 2, 0);
        // Two tokens: neuron 0 takes 3 and 4 (L2 5), neuron 1 takes 1 and 0 (L2 1).
        statistics.add(0, new float[] {7, 1}, new float[] {7, 1}, new float[] {25, 1}, new float[] {4, 1},
                new float[] {2, 1});
        statistics.addTokens(2);

        float[] scores = NeuronScores.compute(NeuronScoreMethod.ACTIVATION, CONFIG, TENSORS, statistics)[0];

        assertArrayEquals(new float[] {25, 1}, scores, 1e-5f);
    }

    @Test
    void selectionIsEvenedOutAcrossLayers() {
        float[][] scores = {{5, 1, 3, 4}, {1, 2, 3, 4}};

        PrunePlan plan = PrunePlan.removeSelected(Map.of(0, Set.of(0, 3)), scores);

        assertArrayEquals(new int[] {1, 2}, plan.keptNeurons().get(0));
        assertArrayEquals(new int[] {2, 3}, plan.keptNeurons().get(1), "layer 1 loses its two lowest scores");
    }

    @Test
    void percentTargetRoundsToMultiple() {
        assertEquals(128, WidthTarget.fromPercent(172, 25, 64));
        assertEquals(129, WidthTarget.fromPercent(172, 25, 1));
        assertEquals(172, WidthTarget.fromPercent(172, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> WidthTarget.fromPercent(172, 100, 1));
        assertThrows(IllegalArgumentException.class, () -> WidthTarget.fromPercent(172, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> WidthTarget.fromPercent(172, 90, 64));
    }

    @Test
    void expansionRatioTargetUsesHiddenSize() {
        assertEquals(128, WidthTarget.fromExpansionRatio(64, 172, 2.0, 32));
        assertThrows(IllegalArgumentException.class, () -> WidthTarget.fromExpansionRatio(64, 172, 3.0, 1));
    }
}
