package dev.topiary.ui.pruning;

import dev.topiary.activations.LayerStatistics;
import dev.topiary.model.ModelConfig;
import dev.topiary.pruning.FairnessScores;
import dev.topiary.pruning.LayerChoice;
import dev.topiary.pruning.NeuronScoreMethod;
import dev.topiary.pruning.PrunePlan;
import dev.topiary.pruning.WidthTarget;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The Prune tab's settings at one moment, from which the pruning plan is built. Immutable, so a background job
 * builds exactly the plan the user saw when pressing Preview or Export.
 *
 * @param percent percentage of MLP neurons to remove per layer, used by {@link WidthMode#PERCENT}
 * @param ratio expansion ratio intermediate_size / hidden_size to keep, used by {@link WidthMode#RATIO}
 * @param roundTo the kept width is rounded to a multiple of this, for percent and ratio
 * @param score how neurons are ranked; with {@link WidthMode#SELECTION} it picks the extra neurons that even out
 *     the layers
 * @param fairnessImportance the importance that {@link PruneScore#FAIRNESS} combines with bias
 * @param biasWeight weight of bias against importance for {@link PruneScore#FAIRNESS}
 * @param checkedLayers layers to remove with {@link DepthMode#CHECKED}
 * @param layerCount layers to remove with {@link DepthMode#COUNT}
 * @param layerChoice how {@link DepthMode#COUNT} picks them
 * @param selection per layer, the neurons the user selected, for {@link WidthMode#SELECTION}
 */
public record PlanRequest(WidthMode widthMode, double percent, double ratio, int roundTo, PruneScore score,
        NeuronScoreMethod fairnessImportance, double biasWeight, DepthMode depthMode, Set<Integer> checkedLayers,
        int layerCount, LayerChoice layerChoice, Map<Integer, Set<Integer>> selection) {

    /** The target for the number of MLP neurons each layer keeps. */
    public enum WidthMode {
        KEEP, PERCENT, RATIO, SELECTION
    }

    /** The choice of decoder layers to remove. */
    public enum DepthMode {
        KEEP, CHECKED, COUNT
    }

    public PlanRequest {
        checkedLayers = Set.copyOf(new TreeSet<>(checkedLayers));
        Map<Integer, Set<Integer>> copy = new TreeMap<>();
        selection.forEach((layer, neurons) -> copy.put(layer, Set.copyOf(new TreeSet<>(neurons))));
        selection = Map.copyOf(copy);
    }

    /** Returns whether the plan ranks neurons, which needs scores computed from the model. */
    public boolean needsScores() {
        return widthMode != WidthMode.KEEP;
    }

    /** Returns the method whose scores the plan needs: the fairness importance for fairness. */
    public NeuronScoreMethod importanceMethod() {
        return score == PruneScore.FAIRNESS ? fairnessImportance : score.method();
    }

    /**
     * Returns the neurons every layer keeps.
     *
     * @throws IllegalArgumentException when the target is out of range or the selection is empty or too large
     */
    public int keptWidth(ModelConfig config) {
        int neurons = config.intermediateSize();
        return switch (widthMode) {
            case KEEP -> neurons;
            case PERCENT -> WidthTarget.fromPercent(neurons, percent, roundTo);
            case RATIO -> WidthTarget.fromExpansionRatio(config.hiddenSize(), neurons, ratio, roundTo);
            case SELECTION -> {
                int removed = maxSelectedPerLayer(config);
                if (removed == 0) {
                    throw new IllegalArgumentException("No neurons are selected. Select neurons in the Analysis "
                            + "heatmap, or choose another width target.");
                }
                if (removed >= neurons) {
                    throw new IllegalArgumentException("The selection covers all " + neurons + " neurons of a "
                            + "layer; every layer must keep at least one.");
                }
                yield neurons - removed;
            }
        };
    }

    private int maxSelectedPerLayer(ModelConfig config) {
        return validSelection(config).values().stream().mapToInt(Set::size).max().orElse(0);
    }

    /** Returns the selection without layers or neurons the model does not have. */
    private Map<Integer, Set<Integer>> validSelection(ModelConfig config) {
        Map<Integer, Set<Integer>> valid = new TreeMap<>();
        selection.forEach((layer, neurons) -> {
            if (layer < config.numHiddenLayers()) {
                Set<Integer> inRange = neurons.stream().filter(neuron -> neuron < config.intermediateSize())
                        .collect(Collectors.toCollection(TreeSet::new));
                if (!inRange.isEmpty()) {
                    valid.put(layer, inRange);
                }
            }
        });
        return valid;
    }

    /**
     * Returns the original indices of the layers removed.
     *
     * @param influence statistics of a captured analysis, needed when layers are chosen by influence
     * @throws IllegalArgumentException when the choice removes every layer, names a missing one, or needs the
     *     analysis that is not given
     */
    public Set<Integer> removedLayers(int layers, LayerStatistics influence) {
        Set<Integer> removed = switch (depthMode) {
            case KEEP -> Set.of();
            case CHECKED -> checkedLayers;
            case COUNT -> {
                if (layerChoice == LayerChoice.INFLUENCE && influence == null) {
                    throw new IllegalArgumentException("Choosing layers by influence needs an analysis of this "
                            + "model: capture a prompt set in the Analysis tab first.");
                }
                yield layerChoice.choose(layerCount, layers, influence);
            }
        };
        for (int layer : removed) {
            if (layer < 0 || layer >= layers) {
                throw new IllegalArgumentException("Layer " + layer + " does not exist; the model has layers 0 to "
                        + (layers - 1) + ".");
            }
        }
        if (removed.size() >= layers) {
            throw new IllegalArgumentException("Removing all " + layers + " layers leaves none; keep at least one.");
        }
        return new TreeSet<>(removed);
    }

    /**
     * Builds the plan.
     *
     * @param importance [L][F] scores of {@link #importanceMethod()}, or null when {@link #needsScores()} is false
     * @param bias [L][F] neuron bias of the bias report, needed for {@link PruneScore#FAIRNESS}
     * @param influence layer statistics of an analysis, needed to choose layers by influence
     */
    public PrunePlan build(ModelConfig config, float[][] importance, float[][] bias, LayerStatistics influence) {
        PrunePlan plan = PrunePlan.identity(config);
        if (needsScores()) {
            float[][] scores = importance;
            if (score == PruneScore.FAIRNESS) {
                if (bias == null) {
                    throw new IllegalArgumentException("Fairness pruning needs a bias report: measure one in the "
                            + "Fairness tab first.");
                }
                scores = FairnessScores.combine(importance, bias, biasWeight);
            }
            plan = widthMode == WidthMode.SELECTION
                    ? PrunePlan.removeSelected(validSelection(config), scores)
                    : PrunePlan.keepTopNeurons(scores, keptWidth(config));
        }
        Set<Integer> layers = removedLayers(config.numHiddenLayers(), influence);
        return layers.isEmpty() ? plan : plan.withRemovedLayers(layers);
    }

    /** Describes the plan in one line, such as "remove 25% of MLP neurons by PPM; remove layers 3, 4". */
    public String describe() {
        String scoreName = score == PruneScore.FAIRNESS
                ? String.format(Locale.ROOT, "fairness (%s importance, bias weight %.2f)",
                        fairnessImportance.cliName(), biasWeight)
                : score.recordName().toUpperCase(Locale.ROOT);
        String rounding = roundTo > 1 ? ", rounded to a multiple of " + roundTo : "";
        String width = switch (widthMode) {
            case KEEP -> "keep every MLP neuron";
            case PERCENT -> String.format(Locale.ROOT, "remove %s%% of MLP neurons by %s%s", trim(percent),
                    scoreName, rounding);
            case RATIO -> String.format(Locale.ROOT, "keep an expansion ratio of %s by %s%s", trim(ratio),
                    scoreName, rounding);
            case SELECTION -> "remove the selected neurons, evened out by " + scoreName;
        };
        String depth = switch (depthMode) {
            case KEEP -> "";
            case CHECKED -> "; remove layers " + new TreeSet<>(checkedLayers).stream().map(String::valueOf)
                    .collect(Collectors.joining(", "));
            case COUNT -> "; remove the " + layerChoiceName(layerChoice) + " " + layerCount
                    + (layerCount == 1 ? " layer" : " layers");
        };
        return width + depth;
    }

    static String layerChoiceName(LayerChoice choice) {
        return switch (choice) {
            case FIRST -> "first";
            case LAST -> "last";
            case INFLUENCE -> "lowest-influence";
        };
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    /** Returns the method name topiary.json records, such as "ppm", "fairness" or "selection". */
    public String recordMethod() {
        if (widthMode == WidthMode.KEEP) {
            return "layers";
        }
        return widthMode == WidthMode.SELECTION ? "selection" : score.recordName();
    }

    /** Returns the settings topiary.json records, under the names of the CLI's options where it has them. */
    public Map<String, Object> recordParameters(Set<Integer> removedLayers) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("mlp_percent", widthMode == WidthMode.PERCENT ? percent : null);
        parameters.put("expansion_ratio", widthMode == WidthMode.RATIO ? ratio : null);
        parameters.put("round_to", roundTo);
        parameters.put("score", needsScores() ? score.recordName() : null);
        parameters.put("importance", score == PruneScore.FAIRNESS ? fairnessImportance.cliName() : null);
        parameters.put("bias_weight", score == PruneScore.FAIRNESS ? biasWeight : null);
        parameters.put("selected_neurons", widthMode == WidthMode.SELECTION ? selection : null);
        parameters.put("remove_layers", List.copyOf(new TreeSet<>(removedLayers)));
        parameters.put("layer_score", depthMode == DepthMode.COUNT ? layerChoiceName(layerChoice) : null);
        return parameters;
    }
}
