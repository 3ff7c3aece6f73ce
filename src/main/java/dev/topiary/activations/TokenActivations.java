package dev.topiary.activations;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Keeps every value of the chosen site kinds for every token of one sequence (batch size 1), on the host.
 * Meant for single prompts: memory grows with layers x tokens x width.
 */
public final class TokenActivations implements ActivationRecorder {

    private final Set<SiteKind> kinds;
    private final int layers;
    /** Per kind, per layer: one float[width] per token, in position order. */
    private final List<List<List<float[]>>> values = new ArrayList<>();

    public TokenActivations(int layers, Set<SiteKind> kinds) {
        this.layers = layers;
        this.kinds = EnumSet.copyOf(kinds);
        for (int kind = 0; kind < SiteKind.values().length; kind++) {
            List<List<float[]>> perLayer = new ArrayList<>();
            for (int layer = 0; layer < layers; layer++) {
                perLayer.add(new ArrayList<>());
            }
            values.add(perLayer);
        }
    }

    @Override
    public boolean wants(SiteKind kind) {
        return kinds.contains(kind);
    }

    @Override
    public void record(ActivationSite site, NDArray value, int startPosition) {
        long[] shape = value.getShape().getShape(); // [B, T, W]
        if (shape[0] != 1) {
            throw new IllegalArgumentException("TokenActivations records one sequence, got batch " + shape[0]);
        }
        int tokens = (int) shape[1];
        int width = (int) shape[2];
        float[] flat = value.toFloatArray();
        List<float[]> rows = values.get(site.kind().ordinal()).get(site.layer());
        for (int t = 0; t < tokens; t++) {
            float[] row = new float[width];
            System.arraycopy(flat, t * width, row, 0, width);
            rows.add(row);
        }
    }

    /** Returns the number of layers. */
    public int layers() {
        return layers;
    }

    /** Returns the number of tokens recorded for a site kind. */
    public int tokens(SiteKind kind) {
        return values.get(kind.ordinal()).get(0).size();
    }

    /** Returns the values at one site for one token position. */
    public float[] at(SiteKind kind, int layer, int position) {
        return values.get(kind.ordinal()).get(layer).get(position);
    }

    /** Returns the width of a site kind (D or F), or 0 when nothing was recorded. */
    public int width(SiteKind kind) {
        List<float[]> rows = values.get(kind.ordinal()).get(0);
        return rows.isEmpty() ? 0 : rows.get(0).length;
    }
}
