package dev.topiary.model;

import java.util.Arrays;
import java.util.Map;

/**
 * A plain-Java forward pass of the Hugging Face Llama decoder (also Mistral and Qwen2), in doubles, written
 * from transformers' {@code modeling_llama.py} and independent of {@link Transformer}: no DJL, no shared
 * code. It is slow and only meant for tiny models in tests.
 *
 * <p>Weights are looked up by their Hugging Face names, matrices row-major as [out, in] like
 * {@code nn.Linear.weight}.
 */
public final class ReferenceLlama {

    /**
     * Llama 3 rotary scaling, as {@code rope_scaling} with {@code rope_type: llama3} in config.json.
     */
    public record Llama3Scaling(double factor, double lowFreqFactor, double highFreqFactor,
            int originalMaxPositionEmbeddings) {}

    /**
     * The settings a forward pass needs.
     *
     * @param qkvBias whether q_proj, k_proj and v_proj have biases (Qwen2, or Llama with attention_bias)
     * @param outputBias whether o_proj has a bias (Llama with attention_bias)
     * @param slidingWindow how many keys up to and including its own position a query attends to, or 0 for all
     */
    public record Config(int hiddenSize, int intermediateSize, int numHiddenLayers, int numAttentionHeads,
            int numKeyValueHeads, int headDim, int vocabSize, double rmsNormEps, double ropeTheta,
            Llama3Scaling ropeScaling, boolean tieWordEmbeddings, boolean qkvBias, boolean outputBias,
            int slidingWindow) {}

    private final Config config;
    private final Map<String, float[]> weights;

    public ReferenceLlama(Config config, Map<String, float[]> weights) {
        this.config = config;
        this.weights = weights;
    }

    /** Computes the rotary inverse frequencies {@code theta^(-2i/Dh)}, with Llama 3 scaling when configured. */
    public static double[] inverseFrequencies(Config config) {
        int half = config.headDim() / 2;
        double[] frequencies = new double[half];
        for (int i = 0; i < half; i++) {
            frequencies[i] = Math.pow(config.ropeTheta(), -2.0 * i / config.headDim());
        }
        Llama3Scaling scaling = config.ropeScaling();
        if (scaling == null) {
            return frequencies;
        }
        double original = scaling.originalMaxPositionEmbeddings();
        for (int i = 0; i < half; i++) {
            double frequency = frequencies[i];
            double wavelength = 2 * Math.PI / frequency;
            if (wavelength < original / scaling.highFreqFactor()) {
                continue;
            }
            if (wavelength > original / scaling.lowFreqFactor()) {
                frequencies[i] = frequency / scaling.factor();
            } else {
                double smooth = (original / wavelength - scaling.lowFreqFactor())
                        / (scaling.highFreqFactor() - scaling.lowFreqFactor());
                frequencies[i] = (1 - smooth) * frequency / scaling.factor() + smooth * frequency;
            }
        }
        return frequencies;
    }

    /** Returns the logits [T][V] of every position of one sequence that starts at position 0. */
    public double[][] logits(int[] tokens) {
        int count = tokens.length;
        int hidden = config.hiddenSize();
        int heads = config.numAttentionHeads();
        int kvHeads = config.numKeyValueHeads();
        int headDim = config.headDim();

        // Token embeddings: [T, D].
        float[] embedding = weight("model.embed_tokens.weight");
        double[][] residual = new double[count][hidden];
        for (int t = 0; t < count; t++) {
            for (int i = 0; i < hidden; i++) {
                residual[t][i] = embedding[tokens[t] * hidden + i];
            }
        }

        double[] inverseFrequencies = inverseFrequencies(config);
        for (int layer = 0; layer < config.numHiddenLayers(); layer++) {
            String prefix = "model.layers." + layer + ".";

            // Attention block: RMSNorm, q/k/v projections, rotary embeddings on q and k.
            double[][] normed = rmsNorm(residual, weight(prefix + "input_layernorm.weight"));
            double[][] queries = linear(normed, prefix + "self_attn.q_proj", heads * headDim, config.qkvBias());
            double[][] keys = linear(normed, prefix + "self_attn.k_proj", kvHeads * headDim, config.qkvBias());
            double[][] values = linear(normed, prefix + "self_attn.v_proj", kvHeads * headDim, config.qkvBias());
            for (int t = 0; t < count; t++) {
                rotateHalf(queries[t], heads, t, inverseFrequencies);
                rotateHalf(keys[t], kvHeads, t, inverseFrequencies);
            }
            double[][] context = attention(queries, keys, values);
            double[][] attentionOut = linear(context, prefix + "self_attn.o_proj", hidden, config.outputBias());
            add(residual, attentionOut);

            // MLP block: RMSNorm, down_proj(silu(gate_proj(x)) * up_proj(x)).
            normed = rmsNorm(residual, weight(prefix + "post_attention_layernorm.weight"));
            int intermediate = config.intermediateSize();
            double[][] gate = linear(normed, prefix + "mlp.gate_proj", intermediate, false);
            double[][] up = linear(normed, prefix + "mlp.up_proj", intermediate, false);
            for (int t = 0; t < count; t++) {
                for (int i = 0; i < intermediate; i++) {
                    double g = gate[t][i];
                    gate[t][i] = g / (1 + Math.exp(-g)) * up[t][i];
                }
            }
            add(residual, linear(gate, prefix + "mlp.down_proj", hidden, false));
        }

        // Final norm and output projection, tied to the embedding or a separate lm_head.
        double[][] normed = rmsNorm(residual, weight("model.norm.weight"));
        String head = config.tieWordEmbeddings() ? "model.embed_tokens" : "lm_head";
        return linear(normed, head, config.vocabSize(), false);
    }

    /** Greedily extends {@code prompt} by {@code count} tokens, recomputing the whole sequence at each step. */
    public int[] greedy(int[] prompt, int count) {
        int[] sequence = Arrays.copyOf(prompt, prompt.length + count);
        for (int step = 0; step < count; step++) {
            int length = prompt.length + step;
            double[][] logits = logits(Arrays.copyOf(sequence, length));
            sequence[length] = argmax(logits[length - 1]);
        }
        return Arrays.copyOfRange(sequence, prompt.length, sequence.length);
    }

    /** Returns the index of the largest value, the first one on ties. */
    public static int argmax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    private float[] weight(String name) {
        float[] values = weights.get(name);
        if (values == null) {
            throw new IllegalArgumentException("The reference model has no weight " + name);
        }
        return values;
    }

    /** Computes {@code x W^T + b} for rows x, with W [out, in] stored as {@code name.weight}. */
    private double[][] linear(double[][] input, String name, int outputs, boolean bias) {
        float[] matrix = weight(name + ".weight");
        float[] offsets = bias ? weight(name + ".bias") : null;
        int inputs = input[0].length;
        if (matrix.length != outputs * inputs) {
            throw new IllegalArgumentException(name + ".weight has " + matrix.length + " values, expected "
                    + outputs + " x " + inputs);
        }
        double[][] output = new double[input.length][outputs];
        for (int t = 0; t < input.length; t++) {
            for (int o = 0; o < outputs; o++) {
                double sum = offsets == null ? 0 : offsets[o];
                for (int i = 0; i < inputs; i++) {
                    sum += matrix[o * inputs + i] * input[t][i];
                }
                output[t][o] = sum;
            }
        }
        return output;
    }

    /** RMSNorm as transformers' LlamaRMSNorm: {@code x / sqrt(mean(x^2) + eps) * w}. */
    private double[][] rmsNorm(double[][] input, float[] scale) {
        double[][] output = new double[input.length][];
        for (int t = 0; t < input.length; t++) {
            double sumOfSquares = 0;
            for (double value : input[t]) {
                sumOfSquares += value * value;
            }
            double inverseRms = 1 / Math.sqrt(sumOfSquares / input[t].length + config.rmsNormEps());
            output[t] = new double[input[t].length];
            for (int i = 0; i < input[t].length; i++) {
                output[t][i] = input[t][i] * inverseRms * scale[i];
            }
        }
        return output;
    }

    /**
     * Applies rotary embeddings to every head of one position in the rotate_half convention: the pair
     * (i, i + Dh/2) turns by the angle {@code position * inverseFrequencies[i]}.
     */
    private void rotateHalf(double[] vector, int headCount, int position, double[] inverseFrequencies) {
        int headDim = config.headDim();
        int half = headDim / 2;
        for (int head = 0; head < headCount; head++) {
            int base = head * headDim;
            for (int i = 0; i < half; i++) {
                double angle = position * inverseFrequencies[i];
                double cos = Math.cos(angle);
                double sin = Math.sin(angle);
                double first = vector[base + i];
                double second = vector[base + half + i];
                vector[base + i] = first * cos - second * sin;
                vector[base + half + i] = second * cos + first * sin;
            }
        }
    }

    /**
     * Causal softmax attention. Query head h reads key/value head {@code h / (H / Hkv)}, as transformers'
     * repeat_kv arranges them, and query t attends to keys j with {@code t - window < j <= t}.
     *
     * @return [T, H Dh]
     */
    private double[][] attention(double[][] queries, double[][] keys, double[][] values) {
        int count = queries.length;
        int heads = config.numAttentionHeads();
        int groupSize = heads / config.numKeyValueHeads();
        int headDim = config.headDim();
        int window = config.slidingWindow();
        double scale = 1 / Math.sqrt(headDim);
        double[][] context = new double[count][heads * headDim];
        for (int head = 0; head < heads; head++) {
            int q = head * headDim;
            int kv = (head / groupSize) * headDim;
            for (int t = 0; t < count; t++) {
                int first = window > 0 ? Math.max(0, t - window + 1) : 0;
                double[] scores = new double[t + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = first; j <= t; j++) {
                    double dot = 0;
                    for (int i = 0; i < headDim; i++) {
                        dot += queries[t][q + i] * keys[j][kv + i];
                    }
                    scores[j] = dot * scale;
                    max = Math.max(max, scores[j]);
                }
                double total = 0;
                for (int j = first; j <= t; j++) {
                    scores[j] = Math.exp(scores[j] - max);
                    total += scores[j];
                }
                for (int j = first; j <= t; j++) {
                    for (int i = 0; i < headDim; i++) {
                        context[t][q + i] += scores[j] / total * values[j][kv + i];
                    }
                }
            }
        }
        return context;
    }

    private static void add(double[][] target, double[][] addend) {
        for (int t = 0; t < target.length; t++) {
            for (int i = 0; i < target[t].length; i++) {
                target[t][i] += addend[t][i];
            }
        }
    }
}
