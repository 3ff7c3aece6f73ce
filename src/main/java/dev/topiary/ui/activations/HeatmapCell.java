package dev.topiary.ui.activations;

/** One cell of a heatmap: a layer (row), a neuron (column) and its value. */
public record HeatmapCell(int layer, int neuron, float value) {}
