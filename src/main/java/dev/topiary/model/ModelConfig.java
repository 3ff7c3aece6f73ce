package dev.topiary.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The dimensions and options of a decoder-only transformer, named after the fields of a Hugging Face
 * config.json.
 *
 * @param architecture the model family
 * @param hiddenSize D, the width of the residual stream
 * @param intermediateSize F, the number of MLP neurons per layer
 * @param numHiddenLayers L, the number of decoder layers
 * @param numAttentionHeads H, the number of query heads
 * @param numKeyValueHeads Hkv, the number of key/value heads; H is a multiple of it (grouped-query attention)
 * @param headDim Dh, the width of one head
 * @param vocabSize V, the number of token ids
 * @param maxPositionEmbeddings the longest sequence the model was trained for
 * @param rmsNormEps the epsilon inside every RMSNorm
 * @param ropeTheta the base of the rotary frequencies
 * @param ropeScaling Llama 3 frequency scaling, or null
 * @param tieWordEmbeddings whether the output projection reuses the token embedding
 * @param attentionBias whether q, k and v projections have biases (Qwen2, or attention_bias in the other
 *     families, whose o_proj then has one too)
 * @param slidingWindow how many recent tokens a query may attend to in the layers that {@code layerTypes} marks
 *     {@link LayerType#SLIDING_ATTENTION}, or 0 for no limit in any layer
 * @param bosTokenId the begin-of-sequence id, or -1 when the model has none
 * @param eosTokenIds the ids that end generation
 * @param hiddenAct the activation of gate_proj's output in the MLP
 * @param layerTypes per layer, its attention pattern; every entry is {@link LayerType#FULL_ATTENTION} when
 *     {@code slidingWindow} is 0
 * @param queryPreAttnScalar attention scores are scaled by {@code queryPreAttnScalar^-0.5}: Dh except in Gemma 2
 * @param attnLogitSoftcapping c in {@code c * tanh(scores / c)} applied to attention scores, or 0 for none
 * @param finalLogitSoftcapping c in {@code c * tanh(logits / c)} applied to the output logits, or 0 for none
 */
public record ModelConfig(
        Architecture architecture,
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        int headDim,
        int vocabSize,
        int maxPositionEmbeddings,
        double rmsNormEps,
        double ropeTheta,
        RopeScaling ropeScaling,
        boolean tieWordEmbeddings,
        boolean attentionBias,
        int slidingWindow,
        int bosTokenId,
        List<Integer> eosTokenIds,
        HiddenActivation hiddenAct,
        List<LayerType> layerTypes,
        double queryPreAttnScalar,
        double attnLogitSoftcapping,
        double finalLogitSoftcapping) {

    public ModelConfig {
        eosTokenIds = List.copyOf(eosTokenIds);
        if (layerTypes.size() != numHiddenLayers) {
            throw new IllegalArgumentException("layerTypes has " + layerTypes.size() + " entries but the model has "
                    + numHiddenLayers + " layers");
        }
        // Without a window every layer attends to everything, so one form stands for that and configs compare equal.
        layerTypes = slidingWindow > 0
                ? List.copyOf(layerTypes)
                : Collections.nCopies(numHiddenLayers, LayerType.FULL_ATTENTION);
        if (!(queryPreAttnScalar > 0)) {
            throw new IllegalArgumentException("queryPreAttnScalar must be positive, got " + queryPreAttnScalar);
        }
        if (attnLogitSoftcapping < 0 || finalLogitSoftcapping < 0) {
            throw new IllegalArgumentException("soft-capping values must be 0 (none) or positive, got "
                    + attnLogitSoftcapping + " and " + finalLogitSoftcapping);
        }
    }

    /**
     * Creates a config with the Llama decoder's attention and MLP: silu, scores scaled by {@code Dh^-0.5}, no
     * soft-capping, and a sliding window, when there is one, in every layer.
     */
    public ModelConfig(Architecture architecture, int hiddenSize, int intermediateSize, int numHiddenLayers,
            int numAttentionHeads, int numKeyValueHeads, int headDim, int vocabSize, int maxPositionEmbeddings,
            double rmsNormEps, double ropeTheta, RopeScaling ropeScaling, boolean tieWordEmbeddings,
            boolean attentionBias, int slidingWindow, int bosTokenId, List<Integer> eosTokenIds) {
        this(architecture, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads, numKeyValueHeads,
                headDim, vocabSize, maxPositionEmbeddings, rmsNormEps, ropeTheta, ropeScaling, tieWordEmbeddings,
                attentionBias, slidingWindow, bosTokenId, eosTokenIds, HiddenActivation.SILU,
                Collections.nCopies(numHiddenLayers, LayerType.SLIDING_ATTENTION), headDim, 0, 0);
    }

    /** Returns the number of query heads that share one key/value head. */
    public int queriesPerKeyValueHead() {
        return numAttentionHeads / numKeyValueHeads;
    }

    /** Returns whether queries of {@code layer} see only the last {@link #slidingWindow} positions. */
    public boolean isSlidingWindowLayer(int layer) {
        return slidingWindow > 0 && layerTypes.get(layer) == LayerType.SLIDING_ATTENTION;
    }

    /**
     * Returns whether o_proj has a bias. transformers' Llama, Mistral, Qwen3 and Gemma attention give all four
     * projections a bias when attention_bias is set, while Qwen2's fixed biases cover only q, k and v.
     */
    public boolean attentionOutputBias() {
        return attentionBias && architecture != Architecture.QWEN2;
    }

    /** Returns the parameter count implied by the shapes (tied embeddings counted once). */
    public long parameterCount() {
        long d = hiddenSize;
        long qSize = (long) numAttentionHeads * headDim;
        long kvSize = (long) numKeyValueHeads * headDim;
        long attention = d * qSize + 2 * d * kvSize + qSize * d + (attentionBias ? qSize + 2 * kvSize : 0)
                + (attentionOutputBias() ? d : 0);
        long mlp = 3 * d * intermediateSize;
        long norms = architecture.normalizesBlockOutputs() ? 4 * d : 2 * d;
        long headNorms = architecture.normalizesQueriesAndKeys() ? 2L * headDim : 0;
        long perLayer = attention + mlp + norms + headNorms;
        long embeddings = (long) vocabSize * d * (tieWordEmbeddings ? 1 : 2);
        return perLayer * numHiddenLayers + embeddings + d;
    }

    /** Returns a copy with other end-of-sequence ids. */
    public ModelConfig withEosTokenIds(List<Integer> ids) {
        return new ModelConfig(architecture, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
                numKeyValueHeads, headDim, vocabSize, maxPositionEmbeddings, rmsNormEps, ropeTheta, ropeScaling,
                tieWordEmbeddings, attentionBias, slidingWindow, bosTokenId, ids, hiddenAct, layerTypes,
                queryPreAttnScalar, attnLogitSoftcapping, finalLogitSoftcapping);
    }

    /**
     * Returns a copy with another intermediate size and only the given layers, as pruning produces. Each kept
     * layer keeps its attention pattern, so removing a layer of Gemma 2 does not shift its alternation.
     *
     * @param keptLayers the original indices of the layers kept, ascending
     */
    public ModelConfig withKeptLayers(int newIntermediateSize, int[] keptLayers) {
        List<LayerType> keptTypes = new ArrayList<>();
        for (int layer : keptLayers) {
            keptTypes.add(layerTypes.get(layer));
        }
        return new ModelConfig(architecture, hiddenSize, newIntermediateSize, keptLayers.length, numAttentionHeads,
                numKeyValueHeads, headDim, vocabSize, maxPositionEmbeddings, rmsNormEps, ropeTheta, ropeScaling,
                tieWordEmbeddings, attentionBias, slidingWindow, bosTokenId, eosTokenIds, hiddenAct, keptTypes,
                queryPreAttnScalar, attnLogitSoftcapping, finalLogitSoftcapping);
    }
}
