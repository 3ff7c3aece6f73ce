package dev.topiary.pruning;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Ways to score the importance of an MLP neuron; low scores are pruned first. The weight-based scores read the
 * neuron's gate_proj row g and up_proj row u (both of length D).
 */
public enum NeuronScoreMethod {
    /** Peak-to-peak magnitude, also called MAW: {@code (max(g) + |min(g)|) + (max(u) + |min(u)|)}. */
    PPM,
    /** Variance of weights: {@code var(g) + var(u)}, population variance over the D entries of each row. */
    VOW,
    /** Product of norms: {@code ||g||_1 * ||u||_1}. */
    PON,
    /** Sum of the rows' L2 norms: {@code ||g||_2 + ||u||_2}. */
    L2,
    /**
     * Activation-aware: {@code ||a||_2 * ||d||_2}, the L2 norm of the neuron's activation a over the tokens of a
     * calibration set times the L2 norm of its down_proj column d. Their product is exactly the L2 norm, over
     * those tokens, of what the neuron adds to the residual stream.
     */
    ACTIVATION;

    /** Parses a method name as the CLI spells it, such as {@code ppm}. */
    public static Optional<NeuronScoreMethod> parse(String name) {
        return Arrays.stream(values()).filter(m -> m.name().equalsIgnoreCase(name)).findFirst();
    }

    /** Returns the CLI spelling, such as {@code ppm}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Returns whether the method needs activation statistics from a calibration set. */
    public boolean needsActivations() {
        return this == ACTIVATION;
    }
}
