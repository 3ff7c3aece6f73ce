package dev.topiary.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import dev.topiary.activations.ActivationRecorder;
import dev.topiary.activations.ActivationSite;
import dev.topiary.activations.SiteKind;

/**
 * The decoder-only transformer of the Llama family (Llama, Mistral, Qwen2) on DJL arrays.
 *
 * <p>Each decoder layer computes, with pre-normalisation and residual adds:
 * {@code x += o_proj(attention(rope(q_proj(rms(x))), rope(k_proj(rms(x))), v_proj(rms(x))))}, then
 * {@code x += down_proj(silu(gate_proj(rms(x))) * up_proj(rms(x)))}. q, k and v are computed by one matmul
 * against their concatenated weights, and gate and up by another, because per-operation overhead dominates
 * small models. Grouped-query attention shares each key/value head among {@code H / Hkv} consecutive
 * query heads, as Hugging Face's {@code repeat_kv} does.
 *
 * <p>Shapes: B batch, T new tokens, S cached plus new tokens, D hidden, H heads, Hkv key/value heads,
 * Dh head dim, F intermediate, V vocabulary.
 */
public final class Transformer {

    /** Added to the scores of masked positions; finite so that a fully masked row gives no NaN. */
    private static final float MASKED = -1e30f;

    private final ModelConfig config;
    private final NDManager manager;
    private final NDArray embedTokens; // [V, D]
    private final NDArray lmHead; // [V, D], the same array as embedTokens when tied
    private final NDArray finalNorm; // [D]
    private final Layer[] layers;
    private final float[] inverseFrequencies; // [Dh/2]
    private NDArray[] neuronMasks; // per layer [F] of 0 and 1, or null: the ablation preview
    private boolean[] skippedLayers;
    private NDArray ropeCos; // [P, Dh], grown on demand
    private NDArray ropeSin; // [P, Dh]

    /** The device arrays of one decoder layer. */
    private record Layer(
            NDArray inputNorm, // [D]
            NDArray qkvWeight, // [(H + 2 Hkv) Dh, D]
            NDArray qkvBias, // [(H + 2 Hkv) Dh] or null
            NDArray outputWeight, // [D, H Dh]
            NDArray outputBias, // [D] or null
            NDArray postAttentionNorm, // [D]
            NDArray gateUpWeight, // [2F, D]: gate rows, then up rows
            NDArray downWeight) {} // [D, F]

    Transformer(ModelConfig config, LanguageModel.WeightReader weights, NDManager manager)
            throws ModelFormatException {
        this.config = config;
        this.manager = manager;
        this.embedTokens = weights.read(WeightNames.EMBED_TOKENS);
        this.lmHead = config.tieWordEmbeddings() ? embedTokens : weights.read(WeightNames.LM_HEAD);
        this.finalNorm = weights.read(WeightNames.FINAL_NORM);
        this.layers = new Layer[config.numHiddenLayers()];
        for (int layer = 0; layer < layers.length; layer++) {
            layers[layer] = readLayer(layer, weights);
        }
        this.inverseFrequencies = inverseFrequencies(config);
        this.neuronMasks = new NDArray[layers.length];
        this.skippedLayers = new boolean[layers.length];
    }

    /**
     * Applies an ablation to every later forward pass until replaced; {@link Ablation#none} restores the model.
     * Call on the engine thread.
     */
    public void setAblation(Ablation ablation) {
        if (ablation.skippedLayers().length != layers.length) {
            throw new IllegalArgumentException("The ablation is for " + ablation.skippedLayers().length
                    + " layers but the model has " + layers.length);
        }
        for (int layer = 0; layer < layers.length; layer++) {
            if (neuronMasks[layer] != null) {
                neuronMasks[layer].close();
                neuronMasks[layer] = null;
            }
            float[] mask = ablation.neuronMasks()[layer];
            if (mask != null) {
                if (mask.length != config.intermediateSize()) {
                    throw new IllegalArgumentException("The neuron mask of layer " + layer + " has " + mask.length
                            + " entries but the layer has " + config.intermediateSize() + " neurons");
                }
                neuronMasks[layer] = manager.create(mask);
                ai.djl.ndarray.NDScope.unregister(neuronMasks[layer]);
            }
        }
        skippedLayers = ablation.skippedLayers().clone();
    }

    private Layer readLayer(int layer, LanguageModel.WeightReader weights) throws ModelFormatException {
        NDArray qkvWeight = concatRows(weights, layer, WeightNames.Q_PROJ, WeightNames.K_PROJ, WeightNames.V_PROJ);
        NDArray qkvBias = config.attentionBias()
                ? concatRows(weights, layer, WeightNames.Q_BIAS, WeightNames.K_BIAS, WeightNames.V_BIAS)
                : null;
        return new Layer(
                weights.read(WeightNames.layer(layer, WeightNames.INPUT_NORM)),
                qkvWeight,
                qkvBias,
                weights.read(WeightNames.layer(layer, WeightNames.O_PROJ)),
                config.attentionOutputBias() ? weights.read(WeightNames.layer(layer, WeightNames.O_BIAS)) : null,
                weights.read(WeightNames.layer(layer, WeightNames.POST_ATTENTION_NORM)),
                concatRows(weights, layer, WeightNames.GATE_PROJ, WeightNames.UP_PROJ),
                weights.read(WeightNames.layer(layer, WeightNames.DOWN_PROJ)));
    }

    private static NDArray concatRows(LanguageModel.WeightReader weights, int layer, String... suffixes)
            throws ModelFormatException {
        NDList parts = new NDList();
        for (String suffix : suffixes) {
            parts.add(weights.read(WeightNames.layer(layer, suffix)));
        }
        NDArray joined = NDArrays.concat(parts, 0);
        parts.close();
        return joined;
    }

    /** Computes {@code theta^(-2i/Dh)} for each rotated pair, with Llama 3 scaling when configured. */
    private static float[] inverseFrequencies(ModelConfig config) {
        int half = config.headDim() / 2;
        double[] frequencies = new double[half];
        for (int i = 0; i < half; i++) {
            frequencies[i] = 1.0 / Math.pow(config.ropeTheta(), (2.0 * i) / config.headDim());
        }
        if (config.ropeScaling() != null) {
            frequencies = config.ropeScaling().scale(frequencies);
        }
        float[] result = new float[half];
        for (int i = 0; i < half; i++) {
            result[i] = (float) frequencies[i];
        }
        return result;
    }

    public ModelConfig config() {
        return config;
    }

    /**
     * Runs the model over new tokens.
     *
     * @param tokens [B][T] token ids; every row has the same length
     * @param cache keys and values of earlier positions, extended by this call; null to run without one
     * @param recorder receives activations at the sites it wants
     * @param lastTokenOnly whether to compute logits for the last position only, as generation needs
     * @return logits [B, T, V], or [B, 1, V] when {@code lastTokenOnly}; the array belongs to the caller's scope
     */
    public NDArray forward(int[][] tokens, KvCache cache, ActivationRecorder recorder, boolean lastTokenOnly) {
        int batch = tokens.length;
        int count = tokens[0].length;
        int start = cache == null ? 0 : cache.length();
        int total = start + count;
        int heads = config.numAttentionHeads();
        int kvHeads = config.numKeyValueHeads();
        int headDim = config.headDim();
        long qSize = (long) heads * headDim;
        long kvSize = (long) kvHeads * headDim;

        // Token embeddings.
        long[] flatIds = new long[batch * count];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < count; t++) {
                flatIds[b * count + t] = tokens[b][t];
            }
        }
        NDArray ids = manager.create(flatIds, new Shape(batch, count)); // [B, T]
        NDArray x = Embedding.embedding(ids, embedTokens, SparseFormat.DENSE).singletonOrThrow(); // [B, T, D]

        NDArray[] rotary = rotaryTables(start, count); // cos, sin: [T, Dh]
        NDArray mask = causalMask(start, count, heads / kvHeads); // [G T, S] or null

        for (int index = 0; index < layers.length; index++) {
            Layer layer = layers[index];
            record(recorder, index, SiteKind.RESID_PRE, x, start);
            if (skippedLayers[index]) {
                recordSkippedLayer(recorder, index, x, start);
                continue;
            }

            // Attention: one matmul for q, k and v, then rotary embeddings on q and k.
            NDArray normed = rmsNorm(x, layer.inputNorm); // [B, T, D]
            NDArray qkv = Linear.linear(normed, layer.qkvWeight, layer.qkvBias).singletonOrThrow();
            NDList split = qkv.split(new long[] {qSize, qSize + kvSize}, 2); // [B, T, (H + 2 Hkv) Dh]
            NDArray q = split.get(0).reshape(batch, count, heads, headDim).transpose(0, 2, 1, 3); // -> [B, H, T, Dh]
            NDArray k = split.get(1).reshape(batch, count, kvHeads, headDim).transpose(0, 2, 1, 3); // [B, Hkv, T, Dh]
            NDArray v = split.get(2).reshape(batch, count, kvHeads, headDim).transpose(0, 2, 1, 3); // [B, Hkv, T, Dh]
            q = rotate(q, rotary);
            k = rotate(k, rotary);
            if (cache != null) {
                NDArray[] cached = cache.append(index, k, v); // [B, Hkv, S, Dh]
                k = cached[0];
                v = cached[1];
            }
            NDArray context = attend(q, k, v, mask, batch, count, total); // [B, T, H Dh]
            NDArray attentionOut = Linear.linear(context, layer.outputWeight, layer.outputBias) // [B, T, D]
                    .singletonOrThrow();
            record(recorder, index, SiteKind.ATTN_OUT, attentionOut, start);
            x = x.add(attentionOut);

            // Gated MLP: one matmul for gate and up; the neurons are what width pruning removes.
            normed = rmsNorm(x, layer.postAttentionNorm);
            NDList gateUp = Linear.linear(normed, layer.gateUpWeight).singletonOrThrow().split(2, 2); // 2 x [B, T, F]
            NDArray gate = gateUp.get(0);
            NDArray neurons = gate.mul(Activation.sigmoid(gate)).mul(gateUp.get(1)); // silu(gate) * up, [B, T, F]
            if (neuronMasks[index] != null) {
                neurons = neurons.mul(neuronMasks[index]);
            }
            record(recorder, index, SiteKind.MLP_POST, neurons, start);
            x = x.add(Linear.linear(neurons, layer.downWeight).singletonOrThrow());
            record(recorder, index, SiteKind.RESID_POST, x, start);
        }
        if (cache != null) {
            cache.advance(count);
        }

        // Final norm and output projection.
        if (lastTokenOnly && count > 1) {
            x = x.get(new NDIndex(":, {}:, :", count - 1)); // [B, 1, D]
        }
        return Linear.linear(rmsNorm(x, finalNorm), lmHead).singletonOrThrow(); // [B, T, V]
    }

    /**
     * Returns the L2 norms of each MLP neuron's weights in one layer, [3][F]: its gate_proj row, its up_proj row
     * and its down_proj column.
     */
    public float[][] mlpWeightNorms(int layer) {
        int neurons = config.intermediateSize();
        try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
            NDArray gateUp = layers[layer].gateUpWeight; // [2F, D]
            float[] rowNorms = gateUp.square().sum(new int[] {1}).sqrt().toFloatArray(); // [2F]
            float[] downNorms = layers[layer].downWeight.square().sum(new int[] {0}).sqrt().toFloatArray(); // [F]
            return new float[][] {java.util.Arrays.copyOfRange(rowNorms, 0, neurons),
                    java.util.Arrays.copyOfRange(rowNorms, neurons, 2 * neurons), downNorms};
        }
    }

    /**
     * Reports a skipped layer as an identity: zero attention output and neurons, and the residual stream passed
     * on unchanged, so recorders see every layer.
     */
    private void recordSkippedLayer(ActivationRecorder recorder, int index, NDArray x, int start) {
        if (recorder.wants(SiteKind.ATTN_OUT)) {
            record(recorder, index, SiteKind.ATTN_OUT, x.zerosLike(), start);
        }
        if (recorder.wants(SiteKind.MLP_POST)) {
            Shape shape = x.getShape();
            record(recorder, index, SiteKind.MLP_POST,
                    manager.zeros(new Shape(shape.get(0), shape.get(1), config.intermediateSize())), start);
        }
        record(recorder, index, SiteKind.RESID_POST, x, start);
    }

    private static void record(ActivationRecorder recorder, int layer, SiteKind kind, NDArray value, int start) {
        if (recorder.wants(kind)) {
            recorder.record(new ActivationSite(layer, kind), value, start);
        }
    }

    /** RMSNorm: {@code x / sqrt(mean(x^2) + eps) * weight} over the last axis. */
    private NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray meanSquare = x.square().mean(new int[] {2}, true); // [B, T, 1]
        return x.mul(meanSquare.add((float) config.rmsNormEps()).pow(-0.5f)).mul(weight);
    }

    /** Applies rotary embeddings in Hugging Face's rotate-half form: {@code x cos + rotate_half(x) sin}. */
    private static NDArray rotate(NDArray x, NDArray[] rotary) {
        NDList halves = x.split(2, 3); // [B, N, T, Dh] -> 2 x [B, N, T, Dh/2]
        NDArray rotated = halves.get(1).neg().concat(halves.get(0), 3); // [B, N, T, Dh]
        return x.mul(rotary[0]).add(rotated.mul(rotary[1]));
    }

    /**
     * Scaled dot-product attention with grouped key/value heads.
     *
     * @param q [B, H, T, Dh]
     * @param k [B, Hkv, S, Dh]
     * @param v [B, Hkv, S, Dh]
     * @param mask [G T, S] additive mask, or null when no key is masked
     * @return [B, T, H Dh]
     */
    private NDArray attend(NDArray q, NDArray k, NDArray v, NDArray mask, int batch, int count, int total) {
        int heads = config.numAttentionHeads();
        int kvHeads = config.numKeyValueHeads();
        int groups = heads / kvHeads;
        int headDim = config.headDim();

        // The G query heads of one key/value head are adjacent, so they fold into the token axis.
        NDArray grouped = q.mul((float) (1.0 / Math.sqrt(headDim))).reshape(batch, kvHeads, (long) groups * count,
                headDim); // [B, H, T, Dh] -> [B, Hkv, G T, Dh]
        NDArray scores = grouped.matMul(k.transpose(0, 1, 3, 2)); // [B, Hkv, G T, S]
        if (mask != null) {
            scores = scores.add(mask);
        }
        NDArray context = scores.softmax(3).matMul(v); // [B, Hkv, G T, Dh]
        return context.reshape(batch, heads, count, headDim) // -> [B, H, T, Dh]
                .transpose(0, 2, 1, 3) // -> [B, T, H, Dh]
                .reshape(batch, count, (long) heads * headDim); // -> [B, T, H Dh]
    }

    /**
     * Builds the causal mask for queries at positions {@code start..start+count-1} over keys {@code 0..start+count-1},
     * repeated for the G query heads that share a key/value head. Returns null when nothing is masked.
     */
    private NDArray causalMask(int start, int count, int groups) {
        int total = start + count;
        int window = config.slidingWindow();
        boolean windowed = window > 0 && total > window;
        if (count == 1 && !windowed) {
            return null;
        }
        float[] mask = new float[groups * count * total];
        for (int g = 0; g < groups; g++) {
            for (int i = 0; i < count; i++) {
                int query = start + i;
                int row = (g * count + i) * total;
                for (int key = 0; key < total; key++) {
                    boolean visible = key <= query && (!windowed || key > query - window);
                    mask[row + key] = visible ? 0f : MASKED;
                }
            }
        }
        return manager.create(mask, new Shape((long) groups * count, total));
    }

    /** Returns cos and sin tables [T, Dh] for positions {@code start..start+count-1}. */
    private NDArray[] rotaryTables(int start, int count) {
        int needed = start + count;
        if (ropeCos == null || ropeCos.getShape().get(0) < needed) {
            growRotaryTables(Math.max(needed, ropeCos == null ? 256 : (int) ropeCos.getShape().get(0) * 2));
        }
        NDIndex rows = new NDIndex("{}:{}", start, needed);
        return new NDArray[] {ropeCos.get(rows), ropeSin.get(rows)};
    }

    private void growRotaryTables(int positions) {
        int headDim = config.headDim();
        int half = headDim / 2;
        float[] cos = new float[positions * headDim];
        float[] sin = new float[positions * headDim];
        for (int position = 0; position < positions; position++) {
            for (int i = 0; i < half; i++) {
                // float32 angle, as transformers computes it, so long positions round the same way
                float angle = position * inverseFrequencies[i];
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                cos[position * headDim + i] = c;
                cos[position * headDim + half + i] = c;
                sin[position * headDim + i] = s;
                sin[position * headDim + half + i] = s;
            }
        }
        if (ropeCos != null) {
            ropeCos.close();
            ropeSin.close();
        }
        ropeCos = manager.create(cos, new Shape(positions, headDim));
        ropeSin = manager.create(sin, new Shape(positions, headDim));
        ai.djl.ndarray.NDScope.unregister(ropeCos, ropeSin);
    }
}
