package dev.topiary.ui.selection;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** An immutable set of MLP neurons, grouped by layer. */
public final class SelectedNeurons {

    public static final SelectedNeurons EMPTY = new SelectedNeurons(new TreeMap<>());

    /** Neurons per layer; layers without a selected neuron have no entry. The bit sets are never modified. */
    private final TreeMap<Integer, BitSet> byLayer;

    private SelectedNeurons(TreeMap<Integer, BitSet> byLayer) {
        this.byLayer = byLayer;
    }

    /** Returns a set of the given neurons of one layer. */
    public static SelectedNeurons of(int layer, int... neurons) {
        return EMPTY.with(layer, neurons);
    }

    /** Returns this set plus the given neurons of one layer. */
    public SelectedNeurons with(int layer, int... neurons) {
        checkLayer(layer);
        BitSet bits = copyOf(layer);
        for (int neuron : neurons) {
            if (neuron < 0) {
                throw new IllegalArgumentException("Neuron indices must be 0 or more, got " + neuron);
            }
            bits.set(neuron);
        }
        return replaced(layer, bits);
    }

    /** Returns this set plus neurons {@code from} to {@code to} of one layer, both included. */
    public SelectedNeurons withRange(int layer, int from, int to) {
        checkLayer(layer);
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("Invalid neuron range " + from + " to " + to);
        }
        BitSet bits = copyOf(layer);
        bits.set(from, to + 1);
        return replaced(layer, bits);
    }

    /** Returns this set without one neuron. */
    public SelectedNeurons without(int layer, int neuron) {
        if (!contains(layer, neuron)) {
            return this;
        }
        BitSet bits = copyOf(layer);
        bits.clear(neuron);
        return replaced(layer, bits);
    }

    private BitSet copyOf(int layer) {
        BitSet bits = byLayer.get(layer);
        return bits == null ? new BitSet() : (BitSet) bits.clone();
    }

    private SelectedNeurons replaced(int layer, BitSet bits) {
        TreeMap<Integer, BitSet> next = new TreeMap<>(byLayer);
        if (bits.isEmpty()) {
            next.remove(layer);
        } else {
            next.put(layer, bits);
        }
        return new SelectedNeurons(next);
    }

    private static void checkLayer(int layer) {
        if (layer < 0) {
            throw new IllegalArgumentException("Layer must be 0 or more, got " + layer);
        }
    }

    public boolean isEmpty() {
        return byLayer.isEmpty();
    }

    public boolean contains(int layer, int neuron) {
        BitSet bits = byLayer.get(layer);
        return bits != null && neuron >= 0 && bits.get(neuron);
    }

    /** Returns the number of selected neurons over all layers. */
    public int count() {
        return byLayer.values().stream().mapToInt(BitSet::cardinality).sum();
    }

    /** Returns the number of selected neurons in one layer. */
    public int count(int layer) {
        BitSet bits = byLayer.get(layer);
        return bits == null ? 0 : bits.cardinality();
    }

    /** Returns the layers that have at least one selected neuron, in ascending order. */
    public List<Integer> layers() {
        return List.copyOf(byLayer.keySet());
    }

    /** Returns the selected neurons of one layer in ascending order. */
    public int[] neurons(int layer) {
        BitSet bits = byLayer.get(layer);
        return bits == null ? new int[0] : bits.stream().toArray();
    }

    /** Returns the selected neurons of one layer as runs of consecutive indices, each {first, last}. */
    public List<int[]> runs(int layer) {
        BitSet bits = byLayer.get(layer);
        if (bits == null) {
            return List.of();
        }
        List<int[]> runs = new ArrayList<>();
        for (int first = bits.nextSetBit(0); first >= 0; ) {
            int end = bits.nextClearBit(first);
            runs.add(new int[] {first, end - 1});
            first = bits.nextSetBit(end);
        }
        return Collections.unmodifiableList(runs);
    }

    /** Returns the neurons of one layer in a short form such as "3, 10-19, 40", with an en dash in ranges. */
    public String describe(int layer) {
        StringBuilder text = new StringBuilder();
        for (int[] run : runs(layer)) {
            if (text.length() > 0) {
                text.append(", ");
            }
            text.append(run[0]);
            if (run[1] > run[0]) {
                text.append('\u2013').append(run[1]);
            }
        }
        return text.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SelectedNeurons that && byLayer.equals(that.byLayer);
    }

    @Override
    public int hashCode() {
        return byLayer.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("{");
        for (Map.Entry<Integer, BitSet> entry : byLayer.entrySet()) {
            if (text.length() > 1) {
                text.append("; ");
            }
            text.append("layer ").append(entry.getKey()).append(": ").append(describe(entry.getKey()));
        }
        return text.append('}').toString();
    }
}
