package dev.topiary.activations;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The k tokens with the largest activation of every MLP neuron, [L][F][k], kept in bounded memory: a new
 * candidate replaces the smallest kept example only when it is larger. The token text and context of an
 * example are filled in while its batch is still at hand, so no prompt has to be kept for later.
 */
public final class TopExamples {

    /** Builds the token text and context for a position of a prompt in the current batch. */
    @FunctionalInterface
    public interface ContextSource {
        /** Returns {token, context} for a token of the current batch. */
        String[] describe(int promptIndex, int position);
    }

    private final int layers;
    private final int neurons;
    private final int k;
    private final float[][] values; // [L][F k]
    private final int[][] prompts; // [L][F k]
    private final int[][] positions; // [L][F k]
    private final String[][] tokens; // [L][F k], null until described
    private final String[][] contexts; // [L][F k]
    private final int[][] sizes; // [L][F]
    private final int[][] smallest; // [L][F], slot of the smallest kept value

    public TopExamples(int layers, int neurons, int k) {
        this.layers = layers;
        this.neurons = neurons;
        this.k = k;
        this.values = new float[layers][neurons * k];
        this.prompts = new int[layers][neurons * k];
        this.positions = new int[layers][neurons * k];
        this.tokens = new String[layers][neurons * k];
        this.contexts = new String[layers][neurons * k];
        this.sizes = new int[layers][neurons];
        this.smallest = new int[layers][neurons];
    }

    /** Returns how many examples are kept per neuron at most. */
    public int k() {
        return k;
    }

    public int layers() {
        return layers;
    }

    public int neurons() {
        return neurons;
    }

    /** Offers a candidate; it is kept when fewer than k are kept or it beats the smallest kept one. */
    public void offer(int layer, int neuron, float value, int promptIndex, int position) {
        int base = neuron * k;
        int size = sizes[layer][neuron];
        int slot;
        if (size < k) {
            slot = size;
            sizes[layer][neuron] = size + 1;
        } else {
            slot = smallest[layer][neuron];
            if (value <= values[layer][base + slot]) {
                return;
            }
        }
        values[layer][base + slot] = value;
        prompts[layer][base + slot] = promptIndex;
        positions[layer][base + slot] = position;
        tokens[layer][base + slot] = null;
        contexts[layer][base + slot] = null;
        updateSmallest(layer, neuron);
    }

    private void updateSmallest(int layer, int neuron) {
        int base = neuron * k;
        int size = sizes[layer][neuron];
        int slot = 0;
        for (int i = 1; i < size; i++) {
            if (values[layer][base + i] < values[layer][base + slot]) {
                slot = i;
            }
        }
        smallest[layer][neuron] = slot;
    }

    /** Fills in the token and context of every example added since the last call. */
    public void describeNew(ContextSource source) {
        for (int layer = 0; layer < layers; layer++) {
            for (int neuron = 0; neuron < neurons; neuron++) {
                int base = neuron * k;
                for (int i = 0; i < sizes[layer][neuron]; i++) {
                    if (tokens[layer][base + i] == null) {
                        String[] description = source.describe(prompts[layer][base + i], positions[layer][base + i]);
                        tokens[layer][base + i] = description[0];
                        contexts[layer][base + i] = description[1];
                    }
                }
            }
        }
    }

    /** Returns the kept examples of one neuron, largest first. */
    public List<TopExample> of(int layer, int neuron) {
        List<TopExample> examples = new ArrayList<>();
        int base = neuron * k;
        for (int i = 0; i < sizes[layer][neuron]; i++) {
            examples.add(new TopExample(values[layer][base + i], prompts[layer][base + i],
                    positions[layer][base + i], tokens[layer][base + i], contexts[layer][base + i]));
        }
        examples.sort(Comparator.comparingDouble(TopExample::value).reversed());
        return examples;
    }

    /** Puts back a saved example, as {@link #offer} followed by describing it. */
    void restore(int layer, int neuron, TopExample example) {
        offer(layer, neuron, example.value(), example.promptIndex(), example.position());
        int base = neuron * k;
        for (int i = 0; i < sizes[layer][neuron]; i++) {
            if (tokens[layer][base + i] == null) {
                tokens[layer][base + i] = example.token();
                contexts[layer][base + i] = example.context();
            }
        }
    }
}
