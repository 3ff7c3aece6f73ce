package dev.topiary.pruning;

import dev.topiary.activations.LayerStatistics;
import java.util.Comparator;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Ways to choose which decoder layers to remove. */
public enum LayerChoice {
    /** The first N layers. */
    FIRST,
    /** The last N layers. */
    LAST,
    /**
     * The N layers with the lowest Block Influence, 1 - cos(input, output) of the residual stream averaged over a
     * calibration set: the layers that change the stream least.
     */
    INFLUENCE;

    /** Picks {@code count} of {@code layers} layers; {@link #INFLUENCE} needs calibration statistics. */
    public Set<Integer> choose(int count, int layers, LayerStatistics calibration) {
        if (count < 1 || count >= layers) {
            throw new IllegalArgumentException("Cannot remove " + count + " of " + layers + " layers; remove at least 1 "
                    + "and keep at least 1.");
        }
        return switch (this) {
            case FIRST -> IntStream.range(0, count).boxed().collect(Collectors.toCollection(TreeSet::new));
            case LAST -> IntStream.range(layers - count, layers).boxed().collect(Collectors.toCollection(TreeSet::new));
            case INFLUENCE -> {
                if (calibration == null) {
                    throw new IllegalArgumentException("Choosing layers by influence needs a calibration prompt set "
                            + "(--calibration FILE).");
                }
                yield IntStream.range(0, layers).boxed()
                        .sorted(Comparator.comparingDouble(calibration::blockInfluence))
                        .limit(count).collect(Collectors.toCollection(TreeSet::new));
            }
        };
    }
}
