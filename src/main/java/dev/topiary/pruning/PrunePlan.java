package dev.topiary.pruning;

import dev.topiary.model.Ablation;
import dev.topiary.model.ModelConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * The parts to remove from a model: MLP neurons per layer and whole decoder layers, indexed as in the original
 * model. Every kept layer keeps the same number of neurons, because a Hugging Face config has one
 * {@code intermediate_size}.
 *
 * @param keptNeurons per original layer, the ascending indices of the neurons kept
 * @param removedLayers the original indices of the layers removed
 */
public record PrunePlan(List<int[]> keptNeurons, Set<Integer> removedLayers) {

    public PrunePlan {
        keptNeurons = List.copyOf(keptNeurons);
        removedLayers = Set.copyOf(new TreeSet<>(removedLayers));
        if (!keptNeurons.isEmpty()) {
            int width = keptNeurons.get(0).length;
            for (int[] kept : keptNeurons) {
                if (kept.length != width) {
                    throw new IllegalArgumentException("Every layer must keep the same number of neurons, but one keeps "
                            + width + " and another " + kept.length);
                }
            }
        }
    }

    /** Returns a plan that keeps everything of a model. */
    public static PrunePlan identity(ModelConfig config) {
        List<int[]> kept = new ArrayList<>();
        for (int layer = 0; layer < config.numHiddenLayers(); layer++) {
            kept.add(IntStream.range(0, config.intermediateSize()).toArray());
        }
        return new PrunePlan(kept, Set.of());
    }

    /** Keeps the {@code keep} highest-scoring neurons of every layer. */
    public static PrunePlan keepTopNeurons(float[][] scores, int keep) {
        List<int[]> kept = new ArrayList<>();
        for (float[] layerScores : scores) {
            if (keep < 1 || keep > layerScores.length) {
                throw new IllegalArgumentException("Cannot keep " + keep + " of " + layerScores.length + " neurons per "
                        + "layer; keep at least 1 and at most " + layerScores.length + ".");
            }
            kept.add(IntStream.range(0, layerScores.length).boxed()
                    .sorted(Comparator.comparingDouble((Integer n) -> -layerScores[n]).thenComparingInt(n -> n))
                    .limit(keep).mapToInt(Integer::intValue).sorted().toArray());
        }
        return new PrunePlan(kept, Set.of());
    }

    /**
     * Removes the selected neurons. Layers with fewer selected neurons than the most-selected layer also lose
     * their lowest-scoring unselected neurons, so that every layer ends with the same size.
     *
     * @param selected per layer, the neurons to remove (absent or empty for none)
     */
    public static PrunePlan removeSelected(Map<Integer, Set<Integer>> selected, float[][] scores) {
        int neurons = scores[0].length;
        int removePerLayer = selected.values().stream().mapToInt(Set::size).max().orElse(0);
        if (removePerLayer >= neurons) {
            throw new IllegalArgumentException("The selection removes every neuron of a layer; keep at least one.");
        }
        List<int[]> kept = new ArrayList<>();
        for (int layer = 0; layer < scores.length; layer++) {
            Set<Integer> removed = new TreeSet<>(selected.getOrDefault(layer, Set.of()));
            float[] layerScores = scores[layer];
            int[] fill = IntStream.range(0, neurons).filter(n -> !removed.contains(n)).boxed()
                    .sorted(Comparator.comparingDouble((Integer n) -> layerScores[n]).thenComparingInt(n -> n))
                    .limit(removePerLayer - removed.size()).mapToInt(Integer::intValue).toArray();
            Arrays.stream(fill).forEach(removed::add);
            kept.add(IntStream.range(0, neurons).filter(n -> !removed.contains(n)).toArray());
        }
        return new PrunePlan(kept, Set.of());
    }

    /** Returns this plan with whole layers removed as well. */
    public PrunePlan withRemovedLayers(Set<Integer> layers) {
        int count = keptNeurons.size();
        for (int layer : layers) {
            if (layer < 0 || layer >= count) {
                throw new IllegalArgumentException("Layer " + layer + " does not exist; the model has layers 0.."
                        + (count - 1) + ".");
            }
        }
        if (layers.size() >= count) {
            throw new IllegalArgumentException("Removing " + layers.size() + " of " + count + " layers leaves none; keep "
                    + "at least one layer.");
        }
        return new PrunePlan(keptNeurons, layers);
    }

    /** Returns the original indices of the layers kept, ascending: new layer i is original layer {@code kept[i]}. */
    public int[] keptLayers() {
        return IntStream.range(0, keptNeurons.size()).filter(layer -> !removedLayers.contains(layer)).toArray();
    }

    /** Returns the intermediate size after pruning. */
    public int intermediateSize() {
        return keptNeurons.get(0).length;
    }

    /** Returns the config of the pruned model. */
    public ModelConfig apply(ModelConfig config) {
        return config.withKeptLayers(intermediateSize(), keptLayers());
    }

    /** Returns the ablation that previews this plan on the original model. */
    public Ablation ablation(ModelConfig config) {
        int layers = keptNeurons.size();
        float[][] masks = new float[layers][];
        boolean[] skipped = new boolean[layers];
        for (int layer = 0; layer < layers; layer++) {
            skipped[layer] = removedLayers.contains(layer);
            if (keptNeurons.get(layer).length < config.intermediateSize()) {
                masks[layer] = new float[config.intermediateSize()];
                for (int neuron : keptNeurons.get(layer)) {
                    masks[layer][neuron] = 1f;
                }
            }
        }
        return new Ablation(masks, skipped);
    }

    /** Returns the original indices of the neurons removed from one layer, ascending. */
    public int[] removedNeurons(int layer, int intermediateSize) {
        Set<Integer> kept = new TreeSet<>();
        Arrays.stream(keptNeurons.get(layer)).forEach(kept::add);
        return IntStream.range(0, intermediateSize).filter(n -> !kept.contains(n)).toArray();
    }
}
