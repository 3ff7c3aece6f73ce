package dev.topiary.ui.pruning;

import dev.topiary.activations.LayerStatistics;
import dev.topiary.model.ModelConfig;
import java.util.Locale;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The shape of the model a plan produces, known before any score is computed: every layer keeps the same width,
 * so the sizes follow from the width target and the removed layers alone.
 *
 * @param removedLayers original indices of the removed layers, ascending
 */
public record PlanSizes(int intermediateBefore, int intermediateAfter, int layersBefore, int layersAfter,
        Set<Integer> removedLayers, long parametersBefore, long parametersAfter) {

    /**
     * Computes the sizes of a request on a model.
     *
     * @throws IllegalArgumentException when the request is invalid for the model, with a message for the user
     */
    public static PlanSizes of(PlanRequest request, ModelConfig config, LayerStatistics influence) {
        int layers = config.numHiddenLayers();
        int width = request.keptWidth(config);
        Set<Integer> removed = request.removedLayers(layers, influence);
        int[] kept = IntStream.range(0, layers).filter(layer -> !removed.contains(layer)).toArray();
        long after = config.withKeptLayers(width, kept).parameterCount();
        return new PlanSizes(config.intermediateSize(), width, layers, kept.length, removed, config.parameterCount(),
                after);
    }

    /** Returns the fraction of parameters removed, 0 to 1. */
    public double savedFraction() {
        return parametersBefore == 0 ? 0 : 1 - (double) parametersAfter / parametersBefore;
    }

    /** Returns whether the plan removes nothing. */
    public boolean removesNothing() {
        return intermediateAfter == intermediateBefore && layersAfter == layersBefore;
    }

    /** Formats a parameter count as model cards do, with the exact count: "260K (260,032)". */
    public static String formatCount(long count) {
        if (count >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2fB (%,d)", count / 1e9, count);
        }
        if (count >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.1fM (%,d)", count / 1e6, count);
        }
        if (count >= 1_000L) {
            return String.format(Locale.ROOT, "%.0fK (%,d)", count / 1e3, count);
        }
        return Long.toString(count);
    }
}
