package dev.topiary.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import java.util.Map;

/**
 * The device arrays of one decoder layer. Norms that an architecture lacks are null; Gemma's norm weights are
 * stored as {@code 1 + weight}, so every norm multiplies by its array.
 *
 * <p>Gemma 2's {@code post_attention_layernorm} normalises the attention output and its
 * {@code pre_feedforward_layernorm} the MLP input, while in the other architectures
 * {@code post_attention_layernorm} is the MLP input's norm; the fields name the role, not the tensor.
 */
record LayerWeights(
        NDArray inputNorm, // [D]
        NDArray qkvWeight, // [(H + 2 Hkv) Dh, D]
        NDArray qkvBias, // [(H + 2 Hkv) Dh] or null
        NDArray queryNorm, // [Dh], Qwen3 only
        NDArray keyNorm, // [Dh], Qwen3 only
        NDArray outputWeight, // [D, H Dh]
        NDArray outputBias, // [D] or null
        NDArray attentionOutputNorm, // [D], Gemma 2 only
        NDArray mlpInputNorm, // [D]
        NDArray gateUpWeight, // [2F, D]: gate rows, then up rows
        NDArray downWeight, // [D, F]
        NDArray mlpOutputNorm) { // [D], Gemma 2 only

    /** Reads the weights of decoder layer {@code layer} onto the device. */
    static LayerWeights read(ModelConfig config, LanguageModel.WeightReader weights, int layer)
            throws ModelFormatException {
        NDArray qkvWeight = concatRows(weights, layer, WeightNames.Q_PROJ, WeightNames.K_PROJ, WeightNames.V_PROJ);
        NDArray qkvBias = config.attentionBias()
                ? concatRows(weights, layer, WeightNames.Q_BIAS, WeightNames.K_BIAS, WeightNames.V_BIAS)
                : null;

        // Qwen3's per-head norms.
        boolean headNorms = config.architecture().normalizesQueriesAndKeys();
        NDArray queryNorm = headNorms ? readNorm(config, weights, WeightNames.layer(layer, WeightNames.Q_NORM)) : null;
        NDArray keyNorm = headNorms ? readNorm(config, weights, WeightNames.layer(layer, WeightNames.K_NORM)) : null;

        // Gemma 2's norms around the attention and MLP outputs move the MLP input norm to pre_feedforward_layernorm.
        boolean blockOutputNorms = config.architecture().normalizesBlockOutputs();
        NDArray attentionOutputNorm = blockOutputNorms
                ? readNorm(config, weights, WeightNames.layer(layer, WeightNames.POST_ATTENTION_NORM))
                : null;
        String mlpInputNorm = blockOutputNorms ? WeightNames.PRE_FEEDFORWARD_NORM : WeightNames.POST_ATTENTION_NORM;
        NDArray mlpOutputNorm = blockOutputNorms
                ? readNorm(config, weights, WeightNames.layer(layer, WeightNames.POST_FEEDFORWARD_NORM))
                : null;

        return new LayerWeights(
                readNorm(config, weights, WeightNames.layer(layer, WeightNames.INPUT_NORM)),
                qkvWeight,
                qkvBias,
                queryNorm,
                keyNorm,
                weights.read(WeightNames.layer(layer, WeightNames.O_PROJ)),
                config.attentionOutputBias() ? weights.read(WeightNames.layer(layer, WeightNames.O_BIAS)) : null,
                attentionOutputNorm,
                readNorm(config, weights, WeightNames.layer(layer, mlpInputNorm)),
                concatRows(weights, layer, WeightNames.GATE_PROJ, WeightNames.UP_PROJ),
                weights.read(WeightNames.layer(layer, WeightNames.DOWN_PROJ)),
                mlpOutputNorm);
    }

    /**
     * Reads an RMSNorm weight as the factor the norm multiplies by: {@code 1 + weight} for Gemma, computed in
     * float32 like transformers' GemmaRMSNorm, and the weight itself elsewhere.
     */
    static NDArray readNorm(ModelConfig config, LanguageModel.WeightReader weights, String name)
            throws ModelFormatException {
        NDArray weight = weights.read(name);
        if (!config.architecture().offsetsNormWeights()) {
            return weight;
        }
        NDArray scale = weight.add(1f);
        weight.close();
        return scale;
    }

    /**
     * Adds every array of the layer to {@code arrays} under its device name: the Hugging Face name, except that the
     * fused q/k/v and gate/up weights take Phi-3's names ({@code self_attn.qkv_proj.weight},
     * {@code mlp.gate_up_proj.weight}) and a Gemma norm stores {@code 1 + weight}.
     */
    void collectArrays(ModelConfig config, int layer, Map<String, NDArray> arrays) {
        boolean blockOutputNorms = config.architecture().normalizesBlockOutputs();
        put(arrays, layer, WeightNames.INPUT_NORM, inputNorm);
        put(arrays, layer, WeightNames.QKV_PROJ, qkvWeight);
        put(arrays, layer, QKV_BIAS, qkvBias);
        put(arrays, layer, WeightNames.Q_NORM, queryNorm);
        put(arrays, layer, WeightNames.K_NORM, keyNorm);
        put(arrays, layer, WeightNames.O_PROJ, outputWeight);
        put(arrays, layer, WeightNames.O_BIAS, outputBias);
        put(arrays, layer, WeightNames.POST_ATTENTION_NORM, blockOutputNorms ? attentionOutputNorm : mlpInputNorm);
        if (blockOutputNorms) {
            put(arrays, layer, WeightNames.PRE_FEEDFORWARD_NORM, mlpInputNorm);
        }
        put(arrays, layer, WeightNames.GATE_UP_PROJ, gateUpWeight);
        put(arrays, layer, WeightNames.DOWN_PROJ, downWeight);
        put(arrays, layer, WeightNames.POST_FEEDFORWARD_NORM, mlpOutputNorm);
    }

    /** The device name of the fused q/k/v bias, which no supported checkpoint format stores fused. */
    static final String QKV_BIAS = "self_attn.qkv_proj.bias";

    private static void put(Map<String, NDArray> arrays, int layer, String suffix, NDArray array) {
        if (array != null) {
            arrays.put(WeightNames.layer(layer, suffix), array);
        }
    }

    /**
     * Returns the tensor that a checkpoint stores under a layer's Hugging Face suffix: rows of the fused weights,
     * and norms without Gemma's offset. The result is the layer's own array or a new one in the caller's scope;
     * callers only read it.
     */
    NDArray hfTensor(ModelConfig config, String suffix) {
        long qSize = (long) config.numAttentionHeads() * config.headDim();
        long kvSize = (long) config.numKeyValueHeads() * config.headDim();
        long intermediate = config.intermediateSize();
        boolean blockOutputNorms = config.architecture().normalizesBlockOutputs();
        NDArray tensor = switch (suffix) {
            case WeightNames.INPUT_NORM -> withoutOffset(config, inputNorm);
            case WeightNames.Q_PROJ -> rows(qkvWeight, 0, qSize);
            case WeightNames.K_PROJ -> rows(qkvWeight, qSize, qSize + kvSize);
            case WeightNames.V_PROJ -> rows(qkvWeight, qSize + kvSize, qSize + 2 * kvSize);
            case WeightNames.Q_BIAS -> rows(qkvBias, 0, qSize);
            case WeightNames.K_BIAS -> rows(qkvBias, qSize, qSize + kvSize);
            case WeightNames.V_BIAS -> rows(qkvBias, qSize + kvSize, qSize + 2 * kvSize);
            case WeightNames.Q_NORM -> withoutOffset(config, queryNorm);
            case WeightNames.K_NORM -> withoutOffset(config, keyNorm);
            case WeightNames.O_PROJ -> outputWeight;
            case WeightNames.O_BIAS -> outputBias;
            case WeightNames.POST_ATTENTION_NORM ->
                    withoutOffset(config, blockOutputNorms ? attentionOutputNorm : mlpInputNorm);
            case WeightNames.PRE_FEEDFORWARD_NORM -> blockOutputNorms ? withoutOffset(config, mlpInputNorm) : null;
            case WeightNames.GATE_PROJ -> rows(gateUpWeight, 0, intermediate);
            case WeightNames.UP_PROJ -> rows(gateUpWeight, intermediate, 2 * intermediate);
            case WeightNames.DOWN_PROJ -> downWeight;
            case WeightNames.POST_FEEDFORWARD_NORM -> withoutOffset(config, mlpOutputNorm);
            default -> null;
        };
        if (tensor == null) {
            throw new IllegalArgumentException("A " + config.architecture().hfClassName() + " layer has no tensor '"
                    + suffix + "'");
        }
        return tensor;
    }

    private static NDArray rows(NDArray array, long from, long to) {
        return array == null ? null : array.get(new NDIndex("{}:{}", from, to));
    }

    /** Undoes {@link #readNorm}'s offset; returns null for a norm the architecture lacks. */
    static NDArray withoutOffset(ModelConfig config, NDArray norm) {
        if (norm == null || !config.architecture().offsetsNormWeights()) {
            return norm;
        }
        return norm.sub(1f);
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
}
