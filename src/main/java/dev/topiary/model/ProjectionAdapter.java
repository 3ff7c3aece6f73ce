package dev.topiary.model;

import ai.djl.ndarray.NDArray;

/**
 * Adds a learned term to the output of chosen linear projections during the forward pass, as LoRA adapters do.
 * The transformer calls it on the engine thread for every projection of every layer it runs. For q, k and v,
 * and for gate and up, which the transformer computes with one fused matmul, it is called per projection after
 * the split, so each call receives its own projection's output width.
 */
@FunctionalInterface
public interface ProjectionAdapter {

    /**
     * Returns the term to add to a projection's output, or null to leave the output unchanged.
     *
     * @param input the projection's input, [B, T, in]
     * @return [B, T, out], in the forward pass's scope
     */
    NDArray delta(int layer, Projection projection, NDArray input);
}
