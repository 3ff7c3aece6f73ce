package dev.topiary.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The additive attention masks of one forward pass, built on first use: causal for full-attention layers, and
 * causal within {@code sliding_window} for sliding-window layers. Each is [G T, S], repeated for the G query heads
 * that share a key/value head, or null when it masks nothing.
 */
final class AttentionMasks {

    /** Added to the scores of masked positions; finite so that a fully masked row gives no NaN. */
    private static final float MASKED = -1e30f;

    private final ModelConfig config;
    private final NDManager manager;
    private final int start;
    private final int count;
    private NDArray fullMask;
    private NDArray windowMask;
    private boolean fullBuilt;
    private boolean windowBuilt;

    /** Prepares masks for queries at positions {@code start..start+count-1}. */
    AttentionMasks(ModelConfig config, NDManager manager, int start, int count) {
        this.config = config;
        this.manager = manager;
        this.start = start;
        this.count = count;
    }

    /** Returns the mask of decoder layer {@code layer}, or null when it masks nothing. */
    NDArray forLayer(int layer) {
        if (config.isSlidingWindowLayer(layer)) {
            if (!windowBuilt) {
                windowMask = causalMask(config.slidingWindow());
                windowBuilt = true;
            }
            return windowMask;
        }
        if (!fullBuilt) {
            fullMask = causalMask(0);
            fullBuilt = true;
        }
        return fullMask;
    }

    /**
     * Builds the causal mask for queries at positions {@code start..start+count-1} over keys {@code 0..start+count-1},
     * repeated for the G query heads that share a key/value head. Returns null when nothing is masked.
     *
     * @param window how many keys up to and including its own position a query attends to, or 0 for all
     */
    private NDArray causalMask(int window) {
        int groups = config.queriesPerKeyValueHead();
        int total = start + count;
        boolean windowed = window > 0 && total > window;
        if (count == 1 && !windowed) {
            return null;
        }
        float[] mask = new float[groups * count * total];
        for (int g = 0; g < groups; g++) {
            for (int i = 0; i < count; i++) {
                int query = start + i;
                int row = (g * count + i) * total;
                for (int key = 0; key < total; key++) {
                    boolean visible = key <= query && (!windowed || key > query - window);
                    mask[row + key] = visible ? 0f : MASKED;
                }
            }
        }
        return manager.create(mask, new Shape((long) groups * count, total));
    }
}
