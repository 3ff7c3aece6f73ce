package dev.topiary.model;

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
 * @param attentionBias whether q, k and v projections have biases (Qwen2, or Llama with attention_bias, whose
 *     o_proj then has one too)
 * @param slidingWindow how many recent tokens a query may attend to, or 0 for no limit (Mistral)
 * @param bosTokenId the begin-of-sequence id, or -1 when the model has none
 * @param eosTokenIds the ids that end generation
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
        List<Integer> eosTokenIds) {

    public ModelConfig {
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    /** Returns the number of query heads that share one key/value head. */
    public int queriesPerKeyValueHead() {
        return numAttentionHeads / numKeyValueHeads;
    }

    /**
     * Returns whether o_proj has a bias. transformers' LlamaAttention gives all four projections a bias when
     * attention_bias is set, while Qwen2's fixed biases cover only q, k and v.
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
        long perLayer = attention + mlp + 2 * d;
        long embeddings = (long) vocabSize * d * (tieWordEmbeddings ? 1 : 2);
        return perLayer * numHiddenLayers + embeddings + d;
    }

    /** Returns a copy with other end-of-sequence ids. */
    public ModelConfig withEosTokenIds(List<Integer> ids) {
        return new ModelConfig(architecture, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
                numKeyValueHeads, headDim, vocabSize, maxPositionEmbeddings, rmsNormEps, ropeTheta, ropeScaling,
                tieWordEmbeddings, attentionBias, slidingWindow, bosTokenId, ids);
    }

    /** Returns a copy with another intermediate size and layer count, as pruning produces. */
    public ModelConfig withSizes(int newIntermediateSize, int newNumHiddenLayers) {
        return new ModelConfig(architecture, hiddenSize, newIntermediateSize, newNumHiddenLayers, numAttentionHeads,
                numKeyValueHeads, headDim, vocabSize, maxPositionEmbeddings, rmsNormEps, ropeTheta, ropeScaling,
                tieWordEmbeddings, attentionBias, slidingWindow, bosTokenId, eosTokenIds);
    }
}
