package dev.topiary.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/**
 * The loss of one batch and its parts, as scalar arrays in the step's scope.
 *
 * @param total what the backward pass differentiates
 * @param crossEntropy the mean next-token cross-entropy in nats
 * @param kl the mean KL divergence from teacher to student at the distillation temperature, in nats, or null
 * @param hidden the mean hidden-state alignment loss, or null
 * @param plainKl the mean KL divergence at temperature 1, computed only when scoring held-out data, or null
 */
record LossTerms(NDArray total, NDArray crossEntropy, NDArray kl, NDArray hidden, NDArray plainKl) {

    /** Copies the terms to the host with one transfer; absent terms are NaN. */
    Values toHost() {
        NDList parts = new NDList(total, crossEntropy, orTotal(kl), orTotal(hidden), orTotal(plainKl));
        float[] values = NDArrays.stack(parts).toFloatArray();
        return new Values(values[0], values[1], kl == null ? Double.NaN : values[2],
                hidden == null ? Double.NaN : values[3], plainKl == null ? Double.NaN : values[4]);
    }

    private NDArray orTotal(NDArray term) {
        return term == null ? total : term;
    }

    /** The terms on the host. */
    record Values(double total, double crossEntropy, double kl, double hidden, double plainKl) {

        /** Returns whether every present term is a finite number. */
        boolean finite() {
            return Double.isFinite(total) && Double.isFinite(crossEntropy) && (Double.isNaN(kl) || Double.isFinite(kl))
                    && (Double.isNaN(hidden) || Double.isFinite(hidden));
        }
    }
}
