package dev.topiary.activations;

/** Per-neuron statistics over every token of a prompt set. */
public enum NeuronMetric {
    /** Mean activation. */
    MEAN("mean", true),
    /** Mean absolute activation. */
    MEAN_ABS("mean |a|", false),
    /** Standard deviation over tokens (population). */
    STD("std", false),
    /** Largest activation. */
    MAX("max", true),
    /** Fraction of tokens whose activation exceeds the capture threshold. */
    FRACTION_ACTIVE("fraction active", false),
    /** L2 norm over tokens, sqrt(sum a^2): the activation term of activation-aware pruning scores. */
    L2("L2 norm", false);

    private final String label;
    private final boolean signed;

    NeuronMetric(String label, boolean signed) {
        this.label = label;
        this.signed = signed;
    }

    /** Returns the label shown in the window and written to CSV headers. */
    public String label() {
        return label;
    }

    /** Returns whether the metric can be negative, which calls for a diverging colour scale. */
    public boolean signed() {
        return signed;
    }
}
