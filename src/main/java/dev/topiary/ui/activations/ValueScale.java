package dev.topiary.ui.activations;

/** How heatmap values are coloured. */
public enum ValueScale {
    /** Signed values: a diverging palette centred on zero, symmetric in the largest magnitude. */
    SIGNED,
    /** Magnitudes (zero or more): a sequential palette from zero to the largest value. */
    MAGNITUDE
}
