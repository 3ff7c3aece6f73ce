package dev.topiary.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

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
