package dev.topiary.model;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The decoder-only architectures Topiary runs, named as in the {@code architectures} field of config.json. */
public enum Architecture {
    LLAMA("LlamaForCausalLM", "llama"),
    MISTRAL("MistralForCausalLM", "mistral"),
    QWEN2("Qwen2ForCausalLM", "qwen2");

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
