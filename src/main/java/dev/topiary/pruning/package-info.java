/**
 * Pruning: scores that rank MLP neurons and decoder layers, plans that list what to remove, ablation masks that
 * preview a plan without touching weights, and the sliced checkpoint that applies it.
 *
 * <p>Width pruning removes intermediate neurons of the gated MLP by slicing gate_proj and up_proj rows and
 * down_proj columns consistently, so the result is a dense model with a smaller {@code intermediate_size}.
 * Depth pruning removes whole decoder layers and renumbers the rest.
 */
package dev.topiary.pruning;
