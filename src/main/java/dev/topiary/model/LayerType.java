package dev.topiary.model;

import java.util.Arrays;
import java.util.Optional;

/** The attention pattern of one decoder layer, named as in config.json's {@code layer_types}. */
public enum LayerType {
    /** Causal attention over every earlier position. */
    FULL_ATTENTION("full_attention"),
    /** Causal attention over the last {@code sliding_window} positions, the query's own included. */
    SLIDING_ATTENTION("sliding_attention");

    private final String configName;

    LayerType(String configName) {
        this.configName = configName;
    }

    /** Returns the name config.json uses, for example {@code sliding_attention}. */
    public String configName() {
        return configName;
    }

    /** Finds the layer type for a config.json name. */
    public static Optional<LayerType> fromConfigName(String name) {
        return Arrays.stream(values()).filter(t -> t.configName.equals(name)).findFirst();
    }
}
