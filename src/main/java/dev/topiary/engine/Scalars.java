package dev.topiary.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Scalar constants as 0-d float32 arrays whose memory PyTorch allocates and owns.
 *
 * <p>Use them instead of DJL's {@code mul(Number)}, {@code div(Number)}, {@code pow(Number)} and
 * {@code maximum(Number)} wherever a gradient may flow. In DJL 0.33's PyTorch engine those methods wrap the number
 * in an array over a Java direct buffer (no copy) and close that array as soon as the operation returns, so the
 * buffer can be garbage-collected while the autograd graph still refers to the scalar for the backward pass. The
 * backward pass then reads freed memory: gradients come out wrong or NaN, at random steps. A scalar from
 * {@link NDManager#full} lives in PyTorch's own memory, which the graph keeps alive by reference count.
 */
public final class Scalars {

    private Scalars() {}

    /** Returns a 0-d float32 array holding {@code value}, in the current scope. */
    public static NDArray of(NDManager manager, float value) {
        return manager.full(new Shape(), value, DataType.FLOAT32);
    }
}
