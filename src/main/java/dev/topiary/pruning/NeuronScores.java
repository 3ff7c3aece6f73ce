package dev.topiary.pruning;

import dev.topiary.activations.NeuronMetric;
import dev.topiary.activations.NeuronStatistics;
import dev.topiary.model.ModelConfig;
import dev.topiary.model.ModelFormatException;
import dev.topiary.model.TensorSource;
import dev.topiary.model.WeightNames;

/** Computes neuron importance scores, [L][F], from a checkpoint's weights and optionally its activations. */
public final class NeuronScores {

    private NeuronScores() {}

    /**
     * Scores every neuron of every layer.
     *
     * @param activations statistics over a calibration set; required by {@link NeuronScoreMethod#ACTIVATION}
     */
    public static float[][] compute(NeuronScoreMethod method, ModelConfig config, TensorSource tensors,
            NeuronStatistics activations) throws ModelFormatException {
        if (method.needsActivations() && activations == null) {
            throw new IllegalArgumentException("The activation score needs activation statistics from a calibration "
                    + "prompt set; capture one first (or pass --calibration FILE).");
        }
        int layers = config.numHiddenLayers();
        int neurons = config.intermediateSize();
        int hidden = config.hiddenSize();
        float[][] scores = new float[layers][neurons];
        for (int layer = 0; layer < layers; layer++) {
            if (method == NeuronScoreMethod.ACTIVATION) {
                float[] down = tensors.read(WeightNames.layer(layer, WeightNames.DOWN_PROJ)); // [D, F]
                for (int neuron = 0; neuron < neurons; neuron++) {
                    double squares = 0;
                    for (int row = 0; row < hidden; row++) {
                        double w = down[row * neurons + neuron];
                        squares += w * w;
                    }
                    scores[layer][neuron] = (float) (Math.sqrt(squares)
                            * activations.value(NeuronMetric.L2, layer, neuron));
                }
                continue;
            }
            float[] gate = tensors.read(WeightNames.layer(layer, WeightNames.GATE_PROJ)); // [F, D]
            float[] up = tensors.read(WeightNames.layer(layer, WeightNames.UP_PROJ)); // [F, D]
            for (int neuron = 0; neuron < neurons; neuron++) {
                scores[layer][neuron] = (float) rowScore(method, gate, up, neuron * hidden, hidden);
            }
        }
        return scores;
    }

    private static double rowScore(NeuronScoreMethod method, float[] gate, float[] up, int offset, int length) {
        return switch (method) {
            case PPM -> peakToPeak(gate, offset, length) + peakToPeak(up, offset, length);
            case VOW -> variance(gate, offset, length) + variance(up, offset, length);
            case PON -> l1(gate, offset, length) * l1(up, offset, length);
            case L2 -> Math.sqrt(squares(gate, offset, length)) + Math.sqrt(squares(up, offset, length));
            case ACTIVATION -> throw new IllegalStateException("the activation score is not a row score");
        };
    }

    private static double peakToPeak(float[] row, int offset, int length) {
        double max = Double.NEGATIVE_INFINITY;
        double min = Double.POSITIVE_INFINITY;
        for (int i = offset; i < offset + length; i++) {
            max = Math.max(max, row[i]);
            min = Math.min(min, row[i]);
        }
        return max + Math.abs(min);
    }

    private static double variance(float[] row, int offset, int length) {
        double sum = 0;
        for (int i = offset; i < offset + length; i++) {
            sum += row[i];
        }
        double mean = sum / length;
        double squares = 0;
        for (int i = offset; i < offset + length; i++) {
            squares += (row[i] - mean) * (row[i] - mean);
        }
        return squares / length;
    }

    private static double l1(float[] row, int offset, int length) {
        double sum = 0;
        for (int i = offset; i < offset + length; i++) {
            sum += Math.abs(row[i]);
        }
        return sum;
    }

    private static double squares(float[] row, int offset, int length) {
        double sum = 0;
        for (int i = offset; i < offset + length; i++) {
            sum += (double) row[i] * row[i];
        }
        return sum;
    }
}
