package dev.topiary.training;

import ai.djl.ndarray.NDArray;
import dev.topiary.activations.ActivationRecorder;
import dev.topiary.activations.ActivationSite;
import dev.topiary.activations.SiteKind;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the residual stream after chosen layers during one forward pass. Unlike the capture recorders it keeps
 * the arrays themselves, because the hidden-state loss differentiates through them. Use it inside the training
 * step's scope and drop it with that scope.
 */
final class HiddenStates implements ActivationRecorder {

    private final int[] layers;
    private final NDArray[] states;

    /** Records {@code hook_resid_post} of the given layers, in that order. */
    HiddenStates(int[] layers, int layerCount) {
        this.layers = layers.clone();
        this.states = new NDArray[layerCount];
    }

    @Override
    public boolean wants(SiteKind kind) {
        return kind == SiteKind.RESID_POST && layers.length > 0;
    }

    @Override
    public void record(ActivationSite site, NDArray value, int startPosition) {
        states[site.layer()] = value;
    }

    /** Returns the recorded streams in the order of the layers asked for, [B, T, D] each. */
    List<NDArray> states() {
        List<NDArray> result = new ArrayList<>();
        for (int layer : layers) {
            if (states[layer] == null) {
                throw new IllegalStateException("The forward pass recorded no residual stream after layer " + layer);
            }
            result.add(states[layer]);
        }
        return result;
    }
}
