package dev.topiary.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;

/**
 * Keys and values of every decoder layer for the tokens seen so far, [B, Hkv, S, Dh] per layer. The arrays
 * belong to the cache's own manager, so they outlive the scope of each forward pass and are freed by
 * {@link #close()}.
 */
public final class KvCache implements AutoCloseable {

    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private int length;

    public KvCache(NDManager parent, int layers) {
        this.manager = parent.newSubManager();
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
    }

    /** Returns the number of positions cached. */
    public int length() {
        return length;
    }

    /**
     * Appends this step's keys and values for one layer and returns the full cached arrays.
     *
     * @param key [B, Hkv, T, Dh]
     * @param value [B, Hkv, T, Dh]
     * @return keys and values [B, Hkv, S, Dh], valid until the next append to this layer
     */
    NDArray[] append(int layer, NDArray key, NDArray value) {
        NDArray allKeys = keys[layer] == null ? key.duplicate() : keys[layer].concat(key, 2);
        NDArray allValues = values[layer] == null ? value.duplicate() : values[layer].concat(value, 2);
        keep(allKeys);
        keep(allValues);
        if (keys[layer] != null) {
            keys[layer].close();
            values[layer].close();
        }
        keys[layer] = allKeys;
        values[layer] = allValues;
        return new NDArray[] {allKeys, allValues};
    }

    private void keep(NDArray array) {
        NDScope.unregister(array);
        array.attach(manager);
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
