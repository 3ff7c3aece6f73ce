package dev.topiary.ui.pruning;

import dev.topiary.pruning.NeuronScoreMethod;

/** The neuron scores the Prune tab offers: the engine's methods plus fairness, which combines one with bias. */
public enum PruneScore {
    PPM(NeuronScoreMethod.PPM, "PPM: peak-to-peak magnitude"),
    VOW(NeuronScoreMethod.VOW, "VOW: variance of weights"),
    PON(NeuronScoreMethod.PON, "PON: product of L1 norms"),
    L2(NeuronScoreMethod.L2, "L2: sum of row norms"),
    ACTIVATION(NeuronScoreMethod.ACTIVATION, "Activation: |a| \u00d7 |down_proj column|"),
    FAIRNESS(null, "Fairness: importance \u2212 bias");

    private final NeuronScoreMethod method;
    private final String label;

    PruneScore(NeuronScoreMethod method, String label) {
        this.method = method;
        this.label = label;
    }

    /** Returns the engine's method, or null for {@link #FAIRNESS}, whose importance the user chooses apart. */
    public NeuronScoreMethod method() {
        return method;
    }

    public String label() {
        return label;
    }

    /** Returns the name written to topiary.json, as the CLI's {@code --method} spells it. */
    public String recordName() {
        return this == FAIRNESS ? "fairness" : method.cliName();
    }
}
