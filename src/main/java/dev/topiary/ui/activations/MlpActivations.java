package dev.topiary.ui.activations;

import dev.topiary.activations.SiteKind;
import dev.topiary.activations.TokenActivations;
import dev.topiary.ui.Counts;

/**
 * MLP neuron activations ({@code mlp.hook_post}) of one sequence, every layer and every position, held as plain
 * Java arrays so that the window can read them on any thread.
 */
public final class MlpActivations {

    /** [L][T][F]: layer, token position, neuron. */
    private final float[][][] values;
    private final int neurons;
    private HeatmapMatrix meanMagnitude;

    private MlpActivations(float[][][] values) {
        this.values = values;
        this.neurons = values[0][0].length;
    }

    /**
     * Takes the MLP activations out of a recorder. Call it on the engine thread, after generation. The rows are
     * taken over, not copied: the recorder already holds them on the heap, and it is dropped after the run.
     */
    public static MlpActivations takeFrom(TokenActivations recorded) {
        int layers = recorded.layers();
        int positions = recorded.tokens(SiteKind.MLP_POST);
        if (layers == 0 || positions == 0) {
            throw new IllegalArgumentException("No MLP activations were recorded (" + layers + " layers, "
                    + positions + " positions).");
        }
        float[][][] values = new float[layers][positions][];
        for (int layer = 0; layer < layers; layer++) {
            for (int position = 0; position < positions; position++) {
                values[layer][position] = recorded.at(SiteKind.MLP_POST, layer, position);
            }
        }
        return new MlpActivations(values);
    }

    /** Wraps values given as [L][T][F]; every row must have the same width. */
    public static MlpActivations of(float[][][] values) {
        if (values.length == 0 || values[0].length == 0 || values[0][0].length == 0) {
            throw new IllegalArgumentException("MLP activations need at least one layer, position and neuron.");
        }
        int width = values[0][0].length;
        for (float[][] layer : values) {
            if (layer.length != values[0].length) {
                throw new IllegalArgumentException("Every layer needs " + values[0].length + " positions, got "
                        + layer.length);
            }
            for (float[] row : layer) {
                if (row.length != width) {
                    throw new IllegalArgumentException("Every row needs " + width + " neurons, got " + row.length);
                }
            }
        }
        return new MlpActivations(values);
    }

    public int layers() {
        return values.length;
    }

    /** Returns the number of token positions, prompt and generated tokens together. */
    public int positions() {
        return values[0].length;
    }

    /** Returns the number of neurons per layer, F. */
    public int neurons() {
        return neurons;
    }

    public float value(int layer, int position, int neuron) {
        return values[layer][position][neuron];
    }

    /** Returns the signed activations at one token position as an L x F heatmap. */
    public HeatmapMatrix atPosition(int position) {
        float[] cells = new float[layers() * neurons];
        for (int layer = 0; layer < layers(); layer++) {
            System.arraycopy(values[layer][position], 0, cells, layer * neurons, neurons);
        }
        return new HeatmapMatrix(layers(), neurons, cells, ValueScale.SIGNED, "a at token " + position);
    }

    /** Returns the mean of |a| over every position as an L x F heatmap, computed once. */
    public synchronized HeatmapMatrix meanMagnitude() {
        if (meanMagnitude == null) {
            float[] cells = new float[layers() * neurons];
            for (int layer = 0; layer < layers(); layer++) {
                for (float[] row : values[layer]) {
                    for (int neuron = 0; neuron < neurons; neuron++) {
                        cells[layer * neurons + neuron] += Math.abs(row[neuron]);
                    }
                }
            }
            for (int i = 0; i < cells.length; i++) {
                cells[i] /= positions();
            }
            meanMagnitude = new HeatmapMatrix(layers(), neurons, cells, ValueScale.MAGNITUDE,
                    "mean |a| over " + Counts.of(positions(), "token"));
        }
        return meanMagnitude;
    }

    /** Returns the position where one neuron's |a| is largest; the first such position on a tie. */
    public int positionOfLargestMagnitude(int layer, int neuron) {
        int best = 0;
        for (int position = 1; position < positions(); position++) {
            if (Math.abs(values[layer][position][neuron]) > Math.abs(values[layer][best][neuron])) {
                best = position;
            }
        }
        return best;
    }
}
