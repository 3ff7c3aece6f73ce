package dev.topiary.ui.selection;

/** One MLP neuron: its decoder layer and its index in that layer's intermediate dimension (0 to F - 1). */
public record NeuronId(int layer, int neuron) {

    public NeuronId {
        if (layer < 0 || neuron < 0) {
            throw new IllegalArgumentException("Layer and neuron must be 0 or more, got layer " + layer + ", neuron "
                    + neuron);
        }
    }

    @Override
    public String toString() {
        return "layer " + layer + ", neuron " + neuron;
    }
}
