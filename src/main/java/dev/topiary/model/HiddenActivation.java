package dev.topiary.model;

import java.util.Arrays;
import java.util.Optional;

/** The activation applied to gate_proj's output in the gated MLP, named as in config.json's {@code hidden_act}. */
public enum HiddenActivation {
    /** {@code x * sigmoid(x)}, used by Llama, Mistral, Qwen and Phi-3. */
    SILU("silu"),
    /**
     * The tanh approximation of GELU, {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}, as PyTorch's
     * {@code gelu(approximate="tanh")}; used by Gemma and Gemma 2.
     */
    GELU_PYTORCH_TANH("gelu_pytorch_tanh");

    private final String configName;

    HiddenActivation(String configName) {
        this.configName = configName;
    }

    /** Returns the name config.json uses, for example {@code gelu_pytorch_tanh}. */
    public String configName() {
        return configName;
    }

    /** Finds the activation for a config.json name. */
    public static Optional<HiddenActivation> fromConfigName(String name) {
        return Arrays.stream(values()).filter(a -> a.configName.equals(name)).findFirst();
    }
}
