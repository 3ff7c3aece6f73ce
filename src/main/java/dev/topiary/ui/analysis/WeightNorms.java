package dev.topiary.ui.analysis;

/**
 * The L2 norms of one MLP neuron's weights: its row of gate_proj and of up_proj (the weights that read the
 * residual stream) and its column of down_proj (the weights that write back to it).
 */
public record WeightNorms(float gate, float up, float down) {}
