package dev.topiary.model;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The decoder-only architectures Topiary runs, named as in the {@code architectures} field of config.json, with
 * the ways each departs from the Llama decoder.
 */
public enum Architecture {
    LLAMA("LlamaForCausalLM", "llama"),
    MISTRAL("MistralForCausalLM", "mistral"),
    QWEN2("Qwen2ForCausalLM", "qwen2"),
    QWEN3("Qwen3ForCausalLM", "qwen3"),
    GEMMA("GemmaForCausalLM", "gemma"),
    GEMMA2("Gemma2ForCausalLM", "gemma2"),
    PHI3("Phi3ForCausalLM", "phi3");

    private final String hfClassName;
    private final String modelType;

    Architecture(String hfClassName, String modelType) {
        this.hfClassName = hfClassName;
        this.modelType = modelType;
    }

    /** Returns the Hugging Face class name, for example {@code LlamaForCausalLM}. */
    public String hfClassName() {
        return hfClassName;
    }

    /** Returns the {@code model_type} value of config.json, for example {@code llama}. */
    public String modelType() {
        return modelType;
    }

    /** Returns whether the token embeddings are multiplied by {@code sqrt(hidden_size)} before the first layer. */
    public boolean scalesEmbeddings() {
        return this == GEMMA || this == GEMMA2;
    }

    /** Returns whether every RMSNorm scales by {@code 1 + weight} instead of {@code weight}. */
    public boolean offsetsNormWeights() {
        return this == GEMMA || this == GEMMA2;
    }

    /**
     * Returns whether the attention and MLP outputs are normalised before their residual adds, with
     * {@code post_attention_layernorm}, {@code pre_feedforward_layernorm} and {@code post_feedforward_layernorm}.
     */
    public boolean normalizesBlockOutputs() {
        return this == GEMMA2;
    }

    /** Returns whether each query and key head goes through an RMSNorm ({@code q_norm}, {@code k_norm}) before RoPE. */
    public boolean normalizesQueriesAndKeys() {
        return this == QWEN3;
    }

    /** Returns whether the checkpoint stores q/k/v as one {@code qkv_proj} and gate/up as one {@code gate_up_proj}. */
    public boolean fusesProjections() {
        return this == PHI3;
    }

    /** Finds the architecture for a config.json class name. */
    public static Optional<Architecture> fromHfClassName(String name) {
        return Arrays.stream(values()).filter(a -> a.hfClassName.equals(name)).findFirst();
    }

    /** Finds the architecture for a config.json {@code model_type}. */
    public static Optional<Architecture> fromModelType(String type) {
        return Arrays.stream(values()).filter(a -> a.modelType.equals(type)).findFirst();
    }

    /** Lists the supported class names, for error messages. */
    public static String supportedNames() {
        return Arrays.stream(values()).map(Architecture::hfClassName).collect(Collectors.joining(", "));
    }
}
