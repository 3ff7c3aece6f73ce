package dev.topiary.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import dev.topiary.activations.ActivationRecorder;
import dev.topiary.activations.ActivationSite;
import dev.topiary.activations.SiteKind;
import dev.topiary.engine.ComputeThreads;
import dev.topiary.engine.Scalars;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The decoder-only transformer of the Llama family (Llama, Mistral, Qwen2, Qwen3, Gemma, Gemma 2, Phi-3) on DJL
 * arrays.
 *
 * <p>Each decoder layer computes, with pre-normalisation and residual adds:
 * {@code x += o_proj(attention(rope(q_proj(rms(x))), rope(k_proj(rms(x))), v_proj(rms(x))))}, then
 * {@code x += down_proj(act(gate_proj(rms(x))) * up_proj(rms(x)))}. q, k and v are computed by one matmul
 * against their concatenated weights, and gate and up by another, because per-operation overhead dominates
 * small models. Grouped-query attention shares each key/value head among {@code H / Hkv} consecutive
 * query heads, as Hugging Face's {@code repeat_kv} does.
 *
 * <p>The architectures differ in a few steps, each a named helper below: Gemma scales the embeddings by
 * {@code sqrt(D)}, uses {@code 1 + weight} in its norms ({@link LayerWeights#readNorm}) and gelu-tanh in the MLP;
 * Gemma 2 also normalises the attention and MLP outputs before their residual adds, soft-caps attention scores
 * and logits, and windows every other layer; Qwen3 normalises each query and key head before RoPE; Phi-3's
 * fused weights are split when the checkpoint is opened ({@link FusedProjections}).
 *
 * <p>Scalar factors are arrays from {@link Scalars}, never DJL's {@code mul(Number)} and the like, so that training
 * can differentiate through the forward pass (see {@link Scalars} for why).
 *
 * <p>The weights and activations are in the dtype the weights were loaded in (float32 or float16). In float16,
 * RMSNorm statistics, attention scores with their mask and softmax, and the logits are computed in float32, as
 * the RMSNorm and eager attention of Hugging Face transformers' Llama do. Recorders receive float32 arrays.
 *
 * <p>Shapes: B batch, T new tokens, S cached plus new tokens, D hidden, H heads, Hkv key/value heads,
 * Dh head dim, F intermediate, V vocabulary.
 */
public final class Transformer {

    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);

    private final ModelConfig config;
    private final NDManager manager;
    private final DataType dataType; // the dtype of the weights and activations
    private final NDArray embedTokens; // [V, D]
    private final NDArray lmHead; // [V, D], the same array as embedTokens when tied
    private final NDArray finalNorm; // [D]
    private final LayerWeights[] layers;
    private final RotaryEmbedding rotary;
    private final long matmulWeights; // weights multiplied per token, for the FLOPs of a forward pass
    private final NDArray normEpsilon; // 0-d, rms_norm_eps
    private final NDArray inverseSquareRoot; // 0-d, -0.5
    private final NDArray attentionScale; // 0-d, query_pre_attn_scalar^-0.5
    private NDArray[] neuronMasks; // per layer [F] of 0 and 1, or null: the ablation preview
    private boolean[] skippedLayers;
    private ProjectionAdapter adapter; // null when no adapter is attached

    Transformer(ModelConfig config, LanguageModel.WeightReader weights, NDManager manager)
            throws ModelFormatException {
        this.config = config;
        this.manager = manager;
        this.embedTokens = weights.read(WeightNames.EMBED_TOKENS);
        this.dataType = embedTokens.getDataType();
        this.lmHead = config.tieWordEmbeddings() ? embedTokens : weights.read(WeightNames.LM_HEAD);
        this.finalNorm = LayerWeights.readNorm(config, weights, WeightNames.FINAL_NORM);
        this.layers = new LayerWeights[config.numHiddenLayers()];
        for (int layer = 0; layer < layers.length; layer++) {
            layers[layer] = LayerWeights.read(config, weights, layer);
        }
        this.rotary = new RotaryEmbedding(config, manager, dataType);
        long embedding = (long) config.vocabSize() * config.hiddenSize();
        this.matmulWeights = config.parameterCount() - (config.tieWordEmbeddings() ? 0 : embedding);
        this.normEpsilon = constant((float) config.rmsNormEps());
        this.inverseSquareRoot = constant(-0.5f);
        this.attentionScale = constant((float) (1.0 / Math.sqrt(config.queryPreAttnScalar())));
        this.neuronMasks = new NDArray[layers.length];
        this.skippedLayers = new boolean[layers.length];
    }

    /** Creates a 0-d constant that lives as long as the model; see {@link Scalars} for why it is an array. */
    private NDArray constant(float value) {
        NDArray scalar = Scalars.of(manager, value);
        ai.djl.ndarray.NDScope.unregister(scalar);
        return scalar;
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
                NDArray wide = manager.create(mask);
                neuronMasks[layer] = wide.toType(dataType, false);
                if (neuronMasks[layer] != wide) {
                    wide.close();
                }
                ai.djl.ndarray.NDScope.unregister(neuronMasks[layer]);
            }
        }
        skippedLayers = ablation.skippedLayers().clone();
    }

    /**
     * Attaches an adapter whose terms every later forward pass adds to the projections' outputs, replacing any
     * earlier one; null detaches it. Call on the engine thread.
     */
    public void setAdapter(ProjectionAdapter adapter) {
        this.adapter = adapter;
    }

    /** Returns the attached adapter, or null. */
    public ProjectionAdapter adapter() {
        return adapter;
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
        ComputeThreads.forWork(manager.getDevice(), 2.0 * matmulWeights * batch * count);

        // Token embeddings.
        long[] flatIds = new long[batch * count];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < count; t++) {
                flatIds[b * count + t] = tokens[b][t];
            }
        }
        NDArray ids = manager.create(flatIds, new Shape(batch, count)); // [B, T]
        NDArray x = embed(ids); // [B, T, D]

        NDArray[] rotaryTables = rotary.tables(start, count); // cos, sin: [T, 1, Dh]
        AttentionMasks masks = new AttentionMasks(config, manager, start, count); // [G T, S] per layer type

        for (int index = 0; index < layers.length; index++) {
            LayerWeights layer = layers[index];
            record(recorder, index, SiteKind.RESID_PRE, x, start);
            if (skippedLayers[index]) {
                recordSkippedLayer(recorder, index, x, start);
                continue;
            }

            // Attention: one matmul for q, k and v, then rotary embeddings on q and k.
            NDArray normed = rmsNorm(x, layer.inputNorm()); // [B, T, D]
            NDArray qkv = Linear.linear(normed, layer.qkvWeight(), layer.qkvBias()).singletonOrThrow();
            NDArray[] qkvHeads = queryKeyValueHeads(index, layer, normed, qkv, rotaryTables); // [B, T, N, Dh] each
            NDArray k = qkvHeads[1].transpose(0, 2, 1, 3); // [B, T, Hkv, Dh] -> [B, Hkv, T, Dh]
            NDArray v = qkvHeads[2].transpose(0, 2, 1, 3); // [B, T, Hkv, Dh] -> [B, Hkv, T, Dh]
            if (cache != null) {
                NDArray[] cached = cache.append(index, k, v); // [B, Hkv, S, Dh]
                k = cached[0];
                v = cached[1];
            }
            NDArray context = attend(qkvHeads[0], k, v, masks.forLayer(index), batch, count); // [B, T, H Dh]
            NDArray attentionOut = adapted(index, Projection.O_PROJ, context, // [B, T, D]
                    Linear.linear(context, layer.outputWeight(), layer.outputBias()).singletonOrThrow());

            // Gemma 2 normalises the attention output; the site records what the residual stream receives.
            attentionOut = optionalNorm(attentionOut, layer.attentionOutputNorm());
            record(recorder, index, SiteKind.ATTN_OUT, attentionOut, start);
            x = x.add(attentionOut);

            // Gated MLP: one matmul for gate and up; the neurons are what width pruning removes.
            normed = rmsNorm(x, layer.mlpInputNorm());
            NDList gateUp = Linear.linear(normed, layer.gateUpWeight()).singletonOrThrow().split(2, 2); // 2 x [B, T, F]
            NDArray gate = adapted(index, Projection.GATE_PROJ, normed, gateUp.get(0));
            NDArray up = adapted(index, Projection.UP_PROJ, normed, gateUp.get(1));
            NDArray neurons = activate(gate).mul(up); // act(gate) * up, [B, T, F]
            if (neuronMasks[index] != null) {
                neurons = neurons.mul(neuronMasks[index]);
            }
            record(recorder, index, SiteKind.MLP_POST, neurons, start);

            // MLP output, normalised by Gemma 2 before the residual add.
            NDArray mlpOut = adapted(index, Projection.DOWN_PROJ, neurons, // [B, T, D]
                    Linear.linear(neurons, layer.downWeight()).singletonOrThrow());
            x = x.add(optionalNorm(mlpOut, layer.mlpOutputNorm()));
            record(recorder, index, SiteKind.RESID_POST, x, start);
        }
        if (cache != null) {
            cache.advance(count);
        }

        // Final norm, output projection and Gemma 2's soft-capping of the logits.
        if (lastTokenOnly && count > 1) {
            x = x.get(new NDIndex(":, {}:, :", count - 1)); // [B, 1, D]
        }
        NDArray logits = Linear.linear(rmsNorm(x, finalNorm), lmHead).singletonOrThrow(); // [B, T, V]
        return softcap(toFloat32(logits), config.finalLogitSoftcapping());
    }

    /**
     * Returns every weight array the forward pass reads, by device name, in load order. Device names are the
     * Hugging Face names, except that each layer's fused q/k/v and gate/up weights appear under Phi-3's names
     * ({@code self_attn.qkv_proj.weight}, {@code self_attn.qkv_proj.bias}, {@code mlp.gate_up_proj.weight}) and
     * a Gemma norm stores {@code 1 + weight}. Tied embeddings appear once, as {@code model.embed_tokens.weight}.
     * Training updates these arrays in place.
     */
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        arrays.put(WeightNames.EMBED_TOKENS, embedTokens);
        for (int index = 0; index < layers.length; index++) {
            layers[index].collectArrays(config, index, arrays);
        }
        arrays.put(WeightNames.FINAL_NORM, finalNorm);
        if (lmHead != embedTokens) {
            arrays.put(WeightNames.LM_HEAD, lmHead);
        }
        return arrays;
    }

    /**
     * Reads one tensor of the {@link WeightLayout#expected} layout from the device, as a checkpoint would store
     * it: fused rows split again and Gemma's norm offset removed. Call on the engine thread.
     *
     * @param name a Hugging Face tensor name such as {@code model.layers.0.self_attn.q_proj.weight}
     */
    public float[] readWeight(String name) {
        try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
            return toFloat32(weightArray(name)).toFloatArray();
        }
    }

    private NDArray weightArray(String name) {
        switch (name) {
            case WeightNames.EMBED_TOKENS:
                return embedTokens;
            case WeightNames.FINAL_NORM:
                return LayerWeights.withoutOffset(config, finalNorm);
            case WeightNames.LM_HEAD:
                if (lmHead == embedTokens) {
                    throw new IllegalArgumentException("The model ties its output projection to the token embedding, "
                            + "so it has no separate " + WeightNames.LM_HEAD);
                }
                return lmHead;
            default:
                break;
        }
        String prefix = "model.layers.";
        int dot = name.indexOf('.', prefix.length());
        if (!name.startsWith(prefix) || dot < 0) {
            throw new IllegalArgumentException("'" + name + "' is not a tensor name of this model");
        }
        int layer = Integer.parseInt(name.substring(prefix.length(), dot));
        if (layer < 0 || layer >= layers.length) {
            throw new IllegalArgumentException("'" + name + "' names layer " + layer + " but the model has "
                    + layers.length + " layers");
        }
        return layers[layer].hfTensor(config, name.substring(dot + 1));
    }

    /**
     * Returns the L2 norms of each MLP neuron's weights in one layer, [3][F]: its gate_proj row, its up_proj row
     * and its down_proj column.
     */
    public float[][] mlpWeightNorms(int layer) {
        int neurons = config.intermediateSize();
        try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
            NDArray gateUp = toFloat32(layers[layer].gateUpWeight()); // [2F, D]
            NDArray down = toFloat32(layers[layer].downWeight()); // [D, F]
            float[] rowNorms = gateUp.square().sum(new int[] {1}).sqrt().toFloatArray(); // [2F]
            float[] downNorms = down.square().sum(new int[] {0}).sqrt().toFloatArray(); // [F]
            return new float[][] {java.util.Arrays.copyOfRange(rowNorms, 0, neurons),
                    java.util.Arrays.copyOfRange(rowNorms, neurons, 2 * neurons), downNorms};
        }
    }

    /**
     * Splits the fused q/k/v output into heads and applies rotary embeddings to queries and keys. Without an
     * adapter or Qwen3's per-head norms, queries and keys are rotated together in one pass: 7 operations instead
     * of 16 per layer.
     *
     * @param qkv [B, T, (H + 2 Hkv) Dh]
     * @return queries [B, T, H, Dh], keys and values [B, T, Hkv, Dh]
     */
    private NDArray[] queryKeyValueHeads(int index, LayerWeights layer, NDArray normed, NDArray qkv,
            NDArray[] rotaryTables) {
        Shape shape = qkv.getShape();
        long batch = shape.get(0);
        long count = shape.get(1);
        int heads = config.numAttentionHeads();
        int kvHeads = config.numKeyValueHeads();
        int headDim = config.headDim();
        if (adapter == null && layer.queryNorm() == null) {
            NDList queryKeyAndValue = qkv.reshape(batch, count, heads + 2L * kvHeads, headDim) // [B, T, H + 2 Hkv, Dh]
                    .split(new long[] {heads + kvHeads}, 2);
            NDList queryAndKey = rotary.rotate(queryKeyAndValue.get(0), rotaryTables) // [B, T, H + Hkv, Dh]
                    .split(new long[] {heads}, 2);
            return new NDArray[] {queryAndKey.get(0), queryAndKey.get(1), queryKeyAndValue.get(1)};
        }
        long qSize = (long) heads * headDim;
        long kvSize = (long) kvHeads * headDim;
        NDList split = qkv.split(new long[] {qSize, qSize + kvSize}, 2); // [B, T, (H + 2 Hkv) Dh]
        NDArray qOut = adapted(index, Projection.Q_PROJ, normed, split.get(0)); // [B, T, H Dh]
        NDArray kOut = adapted(index, Projection.K_PROJ, normed, split.get(1)); // [B, T, Hkv Dh]
        NDArray vOut = adapted(index, Projection.V_PROJ, normed, split.get(2)); // [B, T, Hkv Dh]
        NDArray q = optionalNorm(qOut.reshape(batch, count, heads, headDim), layer.queryNorm()); // [B, T, H, Dh]
        NDArray k = optionalNorm(kOut.reshape(batch, count, kvHeads, headDim), layer.keyNorm()); // [B, T, Hkv, Dh]
        return new NDArray[] {rotary.rotate(q, rotaryTables), rotary.rotate(k, rotaryTables),
                vOut.reshape(batch, count, kvHeads, headDim)};
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

    /**
     * Adds the attached adapter's term for one projection to its output, when there is one. Adapters hold float32
     * arrays, so a float16 model feeds them float32 input and rounds their term back.
     */
    private NDArray adapted(int layer, Projection projection, NDArray input, NDArray output) {
        if (adapter == null) {
            return output;
        }
        NDArray delta = adapter.delta(layer, projection, toFloat32(input));
        return delta == null ? output : output.add(delta.toType(dataType, false));
    }

    /** Hands a site's value to the recorder as float32, so recorders read it the same way in every dtype. */
    private static void record(ActivationRecorder recorder, int layer, SiteKind kind, NDArray value, int start) {
        if (recorder.wants(kind)) {
            recorder.record(new ActivationSite(layer, kind), toFloat32(value), start);
        }
    }

    /** Returns the array itself when it is float32, or a float32 copy. */
    private static NDArray toFloat32(NDArray array) {
        return array.getDataType() == DataType.FLOAT32 ? array : array.toType(DataType.FLOAT32, false);
    }

    /** Looks up token embeddings, multiplied by {@code sqrt(D)} for Gemma, rounded to float32 as transformers does. */
    private NDArray embed(NDArray ids) {
        NDArray x = Embedding.embedding(ids, embedTokens, SparseFormat.DENSE).singletonOrThrow(); // [B, T, D]
        if (!config.architecture().scalesEmbeddings()) {
            return x;
        }
        return x.mul(Scalars.of(manager, (float) Math.sqrt(config.hiddenSize())));
    }

    /**
     * RMSNorm: {@code x / sqrt(mean(x^2) + eps) * weight} over the last axis. In float16 the normalisation runs in
     * float32 and its result is rounded back before the weight multiplies it, as Llama's norm in transformers does.
     */
    private NDArray rmsNorm(NDArray x, NDArray weight) {
        int lastAxis = x.getShape().dimension() - 1;
        NDArray wide = toFloat32(x);
        NDArray meanSquare = wide.square().mean(new int[] {lastAxis}, true); // [..., 1]
        NDArray normalised = wide.mul(meanSquare.add(normEpsilon).pow(inverseSquareRoot));
        return (wide == x ? normalised : normalised.toType(dataType, false)).mul(weight);
    }

    /** Applies an RMSNorm that only some architectures have: returns {@code x} unchanged when the weight is null. */
    private NDArray optionalNorm(NDArray x, NDArray weight) {
        return weight == null ? x : rmsNorm(x, weight);
    }

    /** Applies the MLP activation to the gate projection. */
    private NDArray activate(NDArray gate) {
        return switch (config.hiddenAct()) {
            case SILU -> gate.mul(Activation.sigmoid(gate));
            case GELU_PYTORCH_TANH -> geluTanh(gate);
        };
    }

    /** GELU in PyTorch's tanh approximation: {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}. */
    private NDArray geluTanh(NDArray x) {
        NDArray inner = x.mul(x).mul(x).mul(Scalars.of(manager, 0.044715f)).add(x)
                .mul(Scalars.of(manager, SQRT_2_OVER_PI));
        return x.mul(Scalars.of(manager, 0.5f)).mul(inner.tanh().add(1f));
    }

    /** Soft-caps values into (-cap, cap) as {@code cap * tanh(values / cap)}; a cap of 0 leaves them unchanged. */
    private NDArray softcap(NDArray values, double cap) {
        if (cap == 0) {
            return values;
        }
        return values.div(Scalars.of(manager, (float) cap)).tanh().mul(Scalars.of(manager, (float) cap));
    }

    /**
     * Scaled dot-product attention with grouped key/value heads. Scores are scaled by
     * {@code query_pre_attn_scalar^-0.5} (Dh except in Gemma 2), then soft-capped, then masked.
     *
     * @param q [B, T, H, Dh]
     * @param k [B, Hkv, S, Dh]
     * @param v [B, Hkv, S, Dh]
     * @param mask [G T, S] additive mask, or null when no key is masked
     * @return [B, T, H Dh]
     */
    private NDArray attend(NDArray q, NDArray k, NDArray v, NDArray mask, int batch, int count) {
        int heads = config.numAttentionHeads();
        int kvHeads = config.numKeyValueHeads();
        int groups = heads / kvHeads;
        int headDim = config.headDim();

        // The G query heads of one key/value head are adjacent, so they fold into the token axis. With one token,
        // [B, 1, H, Dh] already has the layout of [B, H, 1, Dh], so no transpose is needed.
        NDArray scaled = q.mul(attentionScale);
        NDArray grouped = count == 1
                ? scaled.reshape(batch, kvHeads, groups, headDim) // [B, 1, H, Dh] -> [B, Hkv, G, Dh]
                : scaled.transpose(0, 2, 1, 3) // [B, T, H, Dh] -> [B, H, T, Dh]
                        .reshape(batch, kvHeads, (long) groups * count, headDim); // -> [B, Hkv, G T, Dh]
        // Scores are masked and normalised in float32, where the mask's large negative value is finite.
        NDArray scores = toFloat32(grouped.matMul(k.transpose(0, 1, 3, 2))); // [B, Hkv, G T, S]
        scores = softcap(scores, config.attnLogitSoftcapping());
        if (mask != null) {
            scores = scores.add(mask);
        }
        NDArray context = scores.softmax(3).toType(dataType, false).matMul(v); // [B, Hkv, G T, Dh]
        if (count == 1) {
            return context.reshape(batch, 1, (long) heads * headDim); // [B, Hkv, G, Dh] -> [B, 1, H Dh]
        }
        return context.reshape(batch, heads, count, headDim) // -> [B, H, T, Dh]
                .transpose(0, 2, 1, 3) // -> [B, T, H, Dh]
                .reshape(batch, count, (long) heads * headDim); // -> [B, T, H Dh]
    }
}
