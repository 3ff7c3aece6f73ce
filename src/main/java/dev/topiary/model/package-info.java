/**
 * The language model: configuration, weights, tokenizers, the transformer forward pass and generation.
 *
 * <p>Both checkpoint formats load into one in-memory form that follows the Hugging Face conventions:
 * tensor names such as {@code model.layers.0.self_attn.q_proj.weight}, weights stored {@code [out, in]},
 * and rotary embeddings that rotate the two halves of each head. llama2.c checkpoints rotate interleaved
 * pairs instead, so their q and k rows are permuted on load (see
 * {@link dev.topiary.model.llama2c.Llama2cCheckpoint}).
 *
 * <p>Shape legend used in comments throughout the code base: B batch, T tokens, S cached plus new tokens,
 * D hidden size, H attention heads, Hkv key/value heads, Dh head dim, F intermediate size, V vocabulary,
 * L layers.
 */
package dev.topiary.model;
