package dev.topiary.pruning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.SharedModels;
import dev.topiary.activations.ActivationAnalysis;
import dev.topiary.activations.CaptureOptions;
import dev.topiary.activations.PromptSet;
import dev.topiary.activations.PromptSetCapture;
import dev.topiary.engine.TensorEngine;
import dev.topiary.evaluation.Perplexity;
import dev.topiary.model.Ablation;
import dev.topiary.model.Checkpoint;
import dev.topiary.model.LanguageModel;
import dev.topiary.model.ModelLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Fairness pruning on stories260K with gendered story pairs, against pruning as many random neurons. */
class FairnessPruningTest {

    private static final TensorEngine engine = TensorEngine.get();
    private static final int KEEP = 140; // of 172 neurons per layer
    private static Checkpoint checkpoint;
    private static LanguageModel model;
    private static List<PromptPair> pairs;
    private static PromptSet neutral;

    @BeforeAll
    static void load() throws Exception {
        checkpoint = ModelLoader.open(SharedModels.stories260K(), null);
        model = LanguageModel.load(engine, checkpoint);
        pairs = PromptPairs.read(Path.of("sample-prompts/fairness-pairs-stories.jsonl"));
        neutral = PromptSet.read(Path.of("sample-prompts/stories.txt"));
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
        if (checkpoint != null) {
            checkpoint.close();
        }
    }

    private static <T> T withAblation(Ablation ablation, java.util.function.Supplier<T> work) {
        return engine.call(manager -> {
            model.transformer().setAblation(ablation);
            try {
                return work.get();
            } finally {
                model.transformer().setAblation(Ablation.none(5));
            }
        });
    }

    private static BiasReport bias(Ablation ablation) {
        return withAblation(ablation, () -> BiasAnalysis.measure(model, pairs, () -> false));
    }

    private static double perplexity(Ablation ablation) {
        return withAblation(ablation, () -> Perplexity.compute(model, neutral, () -> false).perplexity());
    }

    @Test
    void fairnessPruningLowersBiasAtLowerCostThanRandom() throws Exception {
        BiasReport before = bias(Ablation.none(5));
        ActivationAnalysis calibration = engine.call(manager -> PromptSetCapture.run(model, neutral,
                CaptureOptions.defaults(), (done, total) -> { }, () -> false));
        float[][] importance = NeuronScores.compute(NeuronScoreMethod.ACTIVATION, checkpoint.config(),
                checkpoint.tensors(), calibration.neurons());
        PrunePlan fair = PrunePlan.keepTopNeurons(FairnessScores.combine(importance, before.neuronBias(), 1.0), KEEP);

        // The same number of neurons per layer, chosen at random.
        Random random = new Random(7);
        float[][] randomScores = new float[5][172];
        for (float[] layer : randomScores) {
            for (int neuron = 0; neuron < layer.length; neuron++) {
                layer[neuron] = random.nextFloat();
            }
        }
        PrunePlan randomPlan = PrunePlan.keepTopNeurons(randomScores, KEEP);

        BiasReport fairReport = bias(fair.ablation(checkpoint.config()));
        BiasReport randomReport = bias(randomPlan.ablation(checkpoint.config()));
        double basePerplexity = perplexity(Ablation.none(5));
        double fairPerplexity = perplexity(fair.ablation(checkpoint.config()));
        double randomPerplexity = perplexity(randomPlan.ablation(checkpoint.config()));

        assertTrue(fairReport.meanActivationDifference() < before.meanActivationDifference(),
                "bias " + before.meanActivationDifference() + " -> " + fairReport.meanActivationDifference());
        assertTrue(fairReport.meanActivationDifference() < randomReport.meanActivationDifference(),
                "bias after fairness pruning " + fairReport.meanActivationDifference() + ", after random "
                        + randomReport.meanActivationDifference());
        assertTrue(fairPerplexity - basePerplexity < randomPerplexity - basePerplexity,
                "perplexity " + basePerplexity + " -> fair " + fairPerplexity + ", random " + randomPerplexity);
    }

    @Test
    void reportCoversEveryPairAndLayer() {
        BiasReport report = bias(Ablation.none(5));

        assertEquals(pairs.size(), report.divergences().size());
        assertEquals(5, report.layerMeanDifference().length);
        assertEquals(2 * pairs.size(), report.pca()[0].length);
        assertEquals(10, report.mostBiased(10).size());
        assertTrue(report.mostBiased(10).get(0).bias() >= report.mostBiased(10).get(9).bias());
        List<Double> kl = new ArrayList<>();
        report.divergences().forEach(divergence -> kl.add(divergence.symmetricKl()));
        assertTrue(Collections.min(kl) >= 0);
    }
}
