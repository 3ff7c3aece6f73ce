package dev.topiary.model;

import java.util.Arrays;
import java.util.Map;

/**
 * A plain-Java forward pass of the Hugging Face Llama decoder and its relatives (Mistral, Qwen2, Qwen3, Gemma,
 * Gemma 2, Phi-3), in doubles, written from transformers' {@code modeling_llama.py}, {@code modeling_gemma2.py},
 * {@code modular_qwen3.py} and {@code modular_phi3.py} and independent of {@link Transformer}: no DJL, no shared
 * code. It is slow and only meant for tiny models in tests.
 *
 * <p>Weights are looked up by the names the checkpoint file stores, matrices row-major as [out, in] like
 * {@code nn.Linear.weight}; Phi-3's fused {@code qkv_proj} and {@code gate_up_proj} are read as row ranges.
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
     * @param qkvBias whether q_proj, k_proj and v_proj have biases (Qwen2, or attention_bias in the others)
     * @param outputBias whether o_proj has a bias (attention_bias in every family but Qwen2)
     * @param slidingWindow how many keys up to and including its own position a query attends to, or 0 for all
     * @param variant how the architecture departs from Llama
     */
    public record Config(int hiddenSize, int intermediateSize, int numHiddenLayers, int numAttentionHeads,
            int numKeyValueHeads, int headDim, int vocabSize, double rmsNormEps, double ropeTheta,
            Llama3Scaling ropeScaling, boolean tieWordEmbeddings, boolean qkvBias, boolean outputBias,
            int slidingWindow, Variant variant) {

        /** Creates the settings of a Llama-style model (Llama, Mistral, Qwen2). */
        public Config(int hiddenSize, int intermediateSize, int numHiddenLayers, int numAttentionHeads,
                int numKeyValueHeads, int headDim, int vocabSize, double rmsNormEps, double ropeTheta,
                Llama3Scaling ropeScaling, boolean tieWordEmbeddings, boolean qkvBias, boolean outputBias,
                int slidingWindow) {
            this(hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads, numKeyValueHeads, headDim,
                    vocabSize, rmsNormEps, ropeTheta, ropeScaling, tieWordEmbeddings, qkvBias, outputBias,
                    slidingWindow, Variant.LLAMA);
        }

        /** Returns a copy with another variant. */
        public Config withVariant(Variant other) {
            return new Config(hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads, numKeyValueHeads,
                    headDim, vocabSize, rmsNormEps, ropeTheta, ropeScaling, tieWordEmbeddings, qkvBias, outputBias,
                    slidingWindow, other);
        }

        /** Returns a copy with another sliding window. */
        public Config withSlidingWindow(int window) {
            return new Config(hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads, numKeyValueHeads,
                    headDim, vocabSize, rmsNormEps, ropeTheta, ropeScaling, tieWordEmbeddings, qkvBias, outputBias,
                    window, variant);
        }
    }

    /**
     * The departures from the Llama decoder, each as transformers implements it.
     *
     * @param scaledEmbeddings Gemma: embeddings times {@code sqrt(D)}, the factor rounded to float32
     * @param offsetNorms Gemma: every RMSNorm multiplies by {@code 1 + weight}
     * @param geluTanh Gemma: the MLP activation is GELU's tanh approximation instead of silu
     * @param blockOutputNorms Gemma 2: post_attention_layernorm normalises the attention output,
     *     pre_feedforward_layernorm the MLP input and post_feedforward_layernorm the MLP output
     * @param headNorms Qwen3: q_norm and k_norm over each head before RoPE
     * @param fusedProjections Phi-3: q/k/v rows in qkv_proj, gate/up rows in gate_up_proj
     * @param queryPreAttnScalar Gemma 2: scores are scaled by its inverse square root; 0 means Dh
     * @param attnLogitSoftcapping Gemma 2: c in {@code c tanh(score / c)} before the mask, or 0
     * @param finalLogitSoftcapping Gemma 2: c in {@code c tanh(logit / c)}, or 0
     * @param evenLayersWindowed Gemma 2: only layers 0, 2, 4, ... have the sliding window
     */
    public record Variant(boolean scaledEmbeddings, boolean offsetNorms, boolean geluTanh, boolean blockOutputNorms,
            boolean headNorms, boolean fusedProjections, double queryPreAttnScalar, double attnLogitSoftcapping,
            double finalLogitSoftcapping, boolean evenLayersWindowed) {

        public static final Variant LLAMA = new Variant(false, false, false, false, false, false, 0, 0, 0, false);
        public static final Variant QWEN3 = new Variant(false, false, false, false, true, false, 0, 0, 0, false);
        public static final Variant PHI3 = new Variant(false, false, false, false, false, true, 0, 0, 0, false);
        public static final Variant GEMMA = new Variant(true, true, true, false, false, false, 0, 0, 0, false);

        /** Returns Gemma 2's variant with these attention settings. */
        public static Variant gemma2(double queryPreAttnScalar, double attnLogitSoftcapping,
                double finalLogitSoftcapping) {
            return new Variant(true, true, true, true, false, false, queryPreAttnScalar, attnLogitSoftcapping,
                    finalLogitSoftcapping, true);
        }

        /** Returns a copy with other soft-capping values. */
        public Variant withSoftcapping(double attention, double logits) {
            return new Variant(scaledEmbeddings, offsetNorms, geluTanh, blockOutputNorms, headNorms, fusedProjections,
                    queryPreAttnScalar, attention, logits, evenLayersWindowed);
        }
    }

    /**
     * The logits and the activations at every site of one run.
     *
     * @param logits [T][V]
     * @param residPre per layer [T][D], the residual stream entering it
     * @param attnOut per layer [T][D], what the attention block adds to the residual stream
     * @param mlpPost per layer [T][F], the input of down_proj
     * @param residPost per layer [T][D], the residual stream leaving it
     */
    public record Trace(double[][] logits, double[][][] residPre, double[][][] attnOut, double[][][] mlpPost,
            double[][][] residPost) {}

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
        return run(tokens, null).logits();
    }

    /**
     * Runs one sequence that starts at position 0 and keeps the activations of every site.
     *
     * @param ablation neuron masks that multiply the input of down_proj and layers that pass the residual stream
     *     through unchanged, or null for none
     */
    public Trace run(int[] tokens, Ablation ablation) {
        int count = tokens.length;
        int hidden = config.hiddenSize();
        int layers = config.numHiddenLayers();
        Variant variant = config.variant();
        Trace trace = new Trace(null, new double[layers][][], new double[layers][][], new double[layers][][],
                new double[layers][][]);

        // Token embeddings: [T, D], times sqrt(D) rounded to float32 in Gemma.
        float[] embedding = weight("model.embed_tokens.weight");
        double scale = variant.scaledEmbeddings() ? (float) Math.sqrt(hidden) : 1;
        double[][] residual = new double[count][hidden];
        for (int t = 0; t < count; t++) {
            for (int i = 0; i < hidden; i++) {
                residual[t][i] = embedding[tokens[t] * hidden + i] * scale;
            }
        }

        double[] inverseFrequencies = inverseFrequencies(config);
        for (int layer = 0; layer < layers; layer++) {
            trace.residPre()[layer] = copy(residual);
            if (ablation != null && ablation.skippedLayers()[layer]) {
                trace.attnOut()[layer] = new double[count][hidden];
                trace.mlpPost()[layer] = new double[count][config.intermediateSize()];
                trace.residPost()[layer] = copy(residual);
                continue;
            }
            String prefix = "model.layers." + layer + ".";

            // Attention block: its output is added to the residual stream, after Gemma 2's output norm.
            double[][] normed = rmsNorm(residual, prefix + "input_layernorm.weight");
            double[][] attentionOut = attentionBlock(normed, prefix, layer, inverseFrequencies);
            if (variant.blockOutputNorms()) {
                attentionOut = rmsNorm(attentionOut, prefix + "post_attention_layernorm.weight");
            }
            trace.attnOut()[layer] = attentionOut;
            add(residual, attentionOut);

            // MLP block: down_proj(act(gate_proj(x)) * up_proj(x)), normalised around it in Gemma 2.
            String mlpNorm = variant.blockOutputNorms() ? "pre_feedforward_layernorm" : "post_attention_layernorm";
            normed = rmsNorm(residual, prefix + mlpNorm + ".weight");
            double[][] neurons = neurons(normed, prefix, ablation == null ? null : ablation.neuronMasks()[layer]);
            trace.mlpPost()[layer] = neurons;
            double[][] mlpOut = linear(neurons, prefix + "mlp.down_proj", hidden, false);
            if (variant.blockOutputNorms()) {
                mlpOut = rmsNorm(mlpOut, prefix + "post_feedforward_layernorm.weight");
            }
            add(residual, mlpOut);
            trace.residPost()[layer] = copy(residual);
        }

        // Final norm, output projection (tied to the embedding or a separate lm_head) and Gemma 2's soft-capping.
        double[][] normed = rmsNorm(residual, "model.norm.weight");
        String head = config.tieWordEmbeddings() ? "model.embed_tokens" : "lm_head";
        double[][] logits = linear(normed, head, config.vocabSize(), false);
        softcap(logits, variant.finalLogitSoftcapping());
        return new Trace(logits, trace.residPre(), trace.attnOut(), trace.mlpPost(), trace.residPost());
    }

    /** Returns o_proj(attention(...)) for the normalised input of one layer, [T, D]. */
    private double[][] attentionBlock(double[][] normed, String prefix, int layer, double[] inverseFrequencies) {
        int heads = config.numAttentionHeads();
        int kvHeads = config.numKeyValueHeads();
        int headDim = config.headDim();
        double[][] queries;
        double[][] keys;
        double[][] values;
        if (config.variant().fusedProjections()) {
            String fused = prefix + "self_attn.qkv_proj.weight";
            queries = linearRows(normed, fused, 0, heads * headDim);
            keys = linearRows(normed, fused, heads * headDim, kvHeads * headDim);
            values = linearRows(normed, fused, (heads + kvHeads) * headDim, kvHeads * headDim);
        } else {
            queries = linear(normed, prefix + "self_attn.q_proj", heads * headDim, config.qkvBias());
            keys = linear(normed, prefix + "self_attn.k_proj", kvHeads * headDim, config.qkvBias());
            values = linear(normed, prefix + "self_attn.v_proj", kvHeads * headDim, config.qkvBias());
        }
        for (int t = 0; t < normed.length; t++) {
            if (config.variant().headNorms()) {
                normalizeHeads(queries[t], heads, weight(prefix + "self_attn.q_norm.weight"));
                normalizeHeads(keys[t], kvHeads, weight(prefix + "self_attn.k_norm.weight"));
            }
            rotateHalf(queries[t], heads, t, inverseFrequencies);
            rotateHalf(keys[t], kvHeads, t, inverseFrequencies);
        }
        double[][] context = attention(queries, keys, values, windowOf(layer));
        return linear(context, prefix + "self_attn.o_proj", config.hiddenSize(), config.outputBias());
    }

    /** Returns the MLP neurons {@code act(gate) * up}, times the mask when given, [T, F]. */
    private double[][] neurons(double[][] normed, String prefix, float[] mask) {
        int intermediate = config.intermediateSize();
        double[][] gate;
        double[][] up;
        if (config.variant().fusedProjections()) {
            String fused = prefix + "mlp.gate_up_proj.weight";
            gate = linearRows(normed, fused, 0, intermediate);
            up = linearRows(normed, fused, intermediate, intermediate);
        } else {
            gate = linear(normed, prefix + "mlp.gate_proj", intermediate, false);
            up = linear(normed, prefix + "mlp.up_proj", intermediate, false);
        }
        for (int t = 0; t < normed.length; t++) {
            for (int i = 0; i < intermediate; i++) {
                double g = gate[t][i];
                double activated = config.variant().geluTanh()
                        ? 0.5 * g * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (g + 0.044715 * g * g * g)))
                        : g / (1 + Math.exp(-g));
                gate[t][i] = activated * up[t][i] * (mask == null ? 1 : mask[i]);
            }
        }
        return gate;
    }

    /** Returns the window of one layer: Gemma 2 windows only even layers, the others all or none. */
    private int windowOf(int layer) {
        if (config.variant().evenLayersWindowed() && layer % 2 == 1) {
            return 0;
        }
        return config.slidingWindow();
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

    /** Computes {@code x W^T} with W the rows {@code first..first+outputs-1} of a stored [*, in] matrix. */
    private double[][] linearRows(double[][] input, String name, int first, int outputs) {
        float[] matrix = weight(name);
        int inputs = input[0].length;
        double[][] output = new double[input.length][outputs];
        for (int t = 0; t < input.length; t++) {
            for (int o = 0; o < outputs; o++) {
                double sum = 0;
                for (int i = 0; i < inputs; i++) {
                    sum += matrix[(first + o) * inputs + i] * input[t][i];
                }
                output[t][o] = sum;
            }
        }
        return output;
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

    /**
     * RMSNorm as transformers' LlamaRMSNorm, {@code x / sqrt(mean(x^2) + eps) * w}, or GemmaRMSNorm, which
     * multiplies by {@code 1 + w}.
     */
    private double[][] rmsNorm(double[][] input, String weightName) {
        float[] scale = weight(weightName);
        double[][] output = new double[input.length][];
        for (int t = 0; t < input.length; t++) {
            output[t] = rmsNorm(input[t], 0, input[t].length, scale);
        }
        return output;
    }

    private double[] rmsNorm(double[] input, int from, int length, float[] scale) {
        double sumOfSquares = 0;
        for (int i = 0; i < length; i++) {
            sumOfSquares += input[from + i] * input[from + i];
        }
        double inverseRms = 1 / Math.sqrt(sumOfSquares / length + config.rmsNormEps());
        double offset = config.variant().offsetNorms() ? 1 : 0;
        double[] output = new double[length];
        for (int i = 0; i < length; i++) {
            output[i] = input[from + i] * inverseRms * (offset + scale[i]);
        }
        return output;
    }

    /** Qwen3's q_norm or k_norm: an RMSNorm over each head of one position, in place. */
    private void normalizeHeads(double[] vector, int headCount, float[] scale) {
        int headDim = config.headDim();
        for (int head = 0; head < headCount; head++) {
            double[] normed = rmsNorm(vector, head * headDim, headDim, scale);
            System.arraycopy(normed, 0, vector, head * headDim, headDim);
        }
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
     * repeat_kv arranges them, and query t attends to keys j with {@code t - window < j <= t}. Scores are scaled
     * by {@code 1 / sqrt(Dh)}, or Gemma 2's {@code 1 / sqrt(query_pre_attn_scalar)}, then soft-capped.
     *
     * @return [T, H Dh]
     */
    private double[][] attention(double[][] queries, double[][] keys, double[][] values, int window) {
        int count = queries.length;
        int heads = config.numAttentionHeads();
        int groupSize = heads / config.numKeyValueHeads();
        int headDim = config.headDim();
        double scalar = config.variant().queryPreAttnScalar() > 0 ? config.variant().queryPreAttnScalar() : headDim;
        double scale = 1 / Math.sqrt(scalar);
        double cap = config.variant().attnLogitSoftcapping();
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
                    scores[j] = cap > 0 ? cap * Math.tanh(dot * scale / cap) : dot * scale;
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

    /** Replaces each value v by {@code cap * tanh(v / cap)}, unless cap is 0. */
    private static void softcap(double[][] values, double cap) {
        if (cap == 0) {
            return;
        }
        for (double[] row : values) {
            for (int i = 0; i < row.length; i++) {
                row[i] = cap * Math.tanh(row[i] / cap);
            }
        }
    }

    private static double[][] copy(double[][] rows) {
        double[][] result = new double[rows.length][];
        for (int t = 0; t < rows.length; t++) {
            result[t] = rows[t].clone();
        }
        return result;
    }

    private static void add(double[][] target, double[][] addend) {
        for (int t = 0; t < target.length; t++) {
            for (int i = 0; i < target[t].length; i++) {
                target[t][i] += addend[t][i];
            }
        }
    }
}
