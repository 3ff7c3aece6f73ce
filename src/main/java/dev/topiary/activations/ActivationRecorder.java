package dev.topiary.activations;

import ai.djl.ndarray.NDArray;

/**
 * Receives activations during a forward pass. It runs on the engine thread inside the forward pass's scope,
 * so it may reduce an array on the device or copy it to the host, but must not keep the array itself.
 * Recorders only read: the forward pass computes the same logits with or without one.
 */
public interface ActivationRecorder {

    /** Returns whether the forward pass should call {@link #record} for this kind of site. */
    boolean wants(SiteKind kind);

    /**
     * Receives the activation at a site for the tokens of this forward pass.
     *
     * @param site where the value was read
     * @param value [B, T, D] or [B, T, F], depending on the site kind
     * @param startPosition the position of the first of these tokens in the sequence
     */
    void record(ActivationSite site, NDArray value, int startPosition);

    /** A recorder that wants nothing. */
    ActivationRecorder NONE = new ActivationRecorder() {
        @Override
        public boolean wants(SiteKind kind) {
            return false;
        }

        @Override
        public void record(ActivationSite site, NDArray value, int startPosition) {}
    };
}
