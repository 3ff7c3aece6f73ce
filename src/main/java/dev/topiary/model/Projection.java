package dev.topiary.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The seven linear projections of a decoder layer, named as the modules of transformers' Llama decoder
 * ({@code q_proj} ... {@code down_proj}). Adapters and LoRA targets refer to them by these names.
 */
public enum Projection {
    Q_PROJ("self_attn", "q_proj"),
    K_PROJ("self_attn", "k_proj"),
    V_PROJ("self_attn", "v_proj"),
    O_PROJ("self_attn", "o_proj"),
    GATE_PROJ("mlp", "gate_proj"),
    UP_PROJ("mlp", "up_proj"),
    DOWN_PROJ("mlp", "down_proj");

    private final String block;
    private final String moduleName;

    Projection(String block, String moduleName) {
        this.block = block;
        this.moduleName = moduleName;
    }

    /** Returns the module name, such as {@code q_proj}. */
    public String moduleName() {
        return moduleName;
    }

    /** Returns the module path inside the model, such as {@code model.layers.3.self_attn.q_proj}. */
    public String modulePath(int layer) {
        return "model.layers." + layer + "." + block + "." + moduleName;
    }

    /** Returns the Hugging Face name of the projection's weight in one layer. */
    public String weightName(int layer) {
        return modulePath(layer) + ".weight";
    }

    /** Returns the width of the projection's input: D, or H Dh for o_proj, or F for down_proj. */
    public int inputSize(ModelConfig config) {
        return switch (this) {
            case Q_PROJ, K_PROJ, V_PROJ, GATE_PROJ, UP_PROJ -> config.hiddenSize();
            case O_PROJ -> config.numAttentionHeads() * config.headDim();
            case DOWN_PROJ -> config.intermediateSize();
        };
    }

    /** Returns the width of the projection's output. */
    public int outputSize(ModelConfig config) {
        return switch (this) {
            case Q_PROJ -> config.numAttentionHeads() * config.headDim();
            case K_PROJ, V_PROJ -> config.numKeyValueHeads() * config.headDim();
            case O_PROJ, DOWN_PROJ -> config.hiddenSize();
            case GATE_PROJ, UP_PROJ -> config.intermediateSize();
        };
    }

    /** Parses a module name such as {@code q_proj}, ignoring case. */
    public static Projection parse(String name) {
        for (Projection projection : values()) {
            if (projection.moduleName.equalsIgnoreCase(name.strip())) {
                return projection;
            }
        }
        throw new IllegalArgumentException("Unknown projection '" + name + "'; use one of "
                + Arrays.stream(values()).map(Projection::moduleName).collect(Collectors.joining(", ")) + ".");
    }

    @Override
    public String toString() {
        return moduleName;
    }
}
