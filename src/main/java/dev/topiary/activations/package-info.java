/**
 * Activation sites and capture: where in the transformer activations are read, and what is kept of them.
 *
 * <p>Sites follow one vocabulary, {@code blocks.{L}.<hook>}, with hooks {@code hook_resid_pre} (the residual
 * stream entering layer L), {@code hook_attn_out} (attention output before it is added back),
 * {@code mlp.hook_post} (MLP neuron activations {@code silu(gate_proj(x)) * up_proj(x)}, the values that MLP
 * width pruning removes) and {@code hook_resid_post} (the residual stream leaving layer L).
 */
package dev.topiary.activations;
