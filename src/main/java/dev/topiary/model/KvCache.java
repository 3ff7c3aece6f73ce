package dev.topiary.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of every decoder layer for the tokens seen so far. Each layer has one preallocated buffer
 * [B, Hkv, C, Dh] for keys and one for values, of capacity C positions. A step writes its new positions in place
 * and attends over the filled prefix [B, Hkv, S, Dh], so no step copies the earlier positions. A full buffer is
 * replaced by one of twice the capacity. The buffers belong to the cache's own manager, so they outlive the
 * scope of each forward pass and are freed by {@link #close()}. Writing in place is not differentiable: use a cache
 * only without gradients.
 */
public final class KvCache implements AutoCloseable {

    /** Capacity of a first buffer when the caller gives none: enough for short prompts without regrowing. */
    private static final int DEFAULT_CAPACITY = 256;

    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private final int initialCapacity;
    private int length;

    /** Creates a cache that grows as needed, starting at {@value #DEFAULT_CAPACITY} positions. */
    public KvCache(NDManager parent, int layers) {
        this(parent, layers, DEFAULT_CAPACITY);
    }

    /**
     * Creates a cache whose first buffers hold {@code capacity} positions, such as prompt plus maximum new tokens;
     * it still grows past that when needed.
     */
    public KvCache(NDManager parent, int layers, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("A KV cache needs a capacity of at least 1 position, got " + capacity);
        }
        this.manager = parent.newSubManager();
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
        this.initialCapacity = capacity;
    }

    /** Returns the number of positions cached. */
    public int length() {
        return length;
    }

    /**
     * Writes this step's keys and values for one layer after the cached positions and returns all of them.
     *
     * @param key [B, Hkv, T, Dh]
     * @param value [B, Hkv, T, Dh]
     * @return keys and values [B, Hkv, S, Dh] with S = {@link #length()} + T, views of the buffers that stay valid
     *     until the next append to this layer
     */
    NDArray[] append(int layer, NDArray key, NDArray value) {
        Shape shape = key.getShape();
        int count = Math.toIntExact(shape.get(2));
        int filled = length + count;
        if (keys[layer] != null && keys[layer].getShape().get(0) != shape.get(0)) {
            throw new IllegalArgumentException("The KV cache contains a batch of " + keys[layer].getShape().get(0)
                    + " sequences but this step has " + shape.get(0) + ". Use one KV cache per batch.");
        }
        if (keys[layer] == null || keys[layer].getShape().get(2) < filled) {
            keys[layer] = grown(keys[layer], key, filled);
            values[layer] = grown(values[layer], value, filled);
        }
        NDIndex written = new NDIndex().addAllDim(2).addSliceDim(length, filled);
        keys[layer].set(written, key);
        values[layer].set(written, value);
        NDIndex prefix = new NDIndex().addAllDim(2).addSliceDim(0, filled);
        return new NDArray[] {keys[layer].get(prefix), values[layer].get(prefix)};
    }

    /** Returns a buffer like {@code step} of at least {@code needed} positions, holding the filled prefix of old. */
    private NDArray grown(NDArray old, NDArray step, int needed) {
        Shape shape = step.getShape();
        long oldCapacity = old == null ? 0 : old.getShape().get(2);
        long capacity = Math.max(needed, old == null ? initialCapacity : 2 * oldCapacity);
        Shape bufferShape = new Shape(shape.get(0), shape.get(1), capacity, shape.get(3));
        NDArray buffer = manager.zeros(bufferShape, step.getDataType());
        NDScope.unregister(buffer);
        if (old != null) {
            NDIndex filled = new NDIndex().addAllDim(2).addSliceDim(0, length);
            try (NDScope scope = new NDScope()) {
                buffer.set(filled, old.get(filled));
            }
            old.close();
        }
        return buffer;
    }

    /** Records that a forward pass of {@code tokens} new positions finished. */
    void advance(int tokens) {
        length += tokens;
    }

    @Override
    public void close() {
        manager.close();
    }
}
