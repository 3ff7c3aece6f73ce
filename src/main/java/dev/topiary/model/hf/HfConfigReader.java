package dev.topiary.model.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topiary.model.Architecture;
import dev.topiary.model.HiddenActivation;
import dev.topiary.model.LayerType;
import dev.topiary.model.ModelConfig;
import dev.topiary.model.ModelFormatException;
import dev.topiary.model.RopeScaling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps a Hugging Face {@code config.json} (and {@code generation_config.json}) to a {@link ModelConfig}. */
public final class HfConfigReader {

    private static final Logger log = LoggerFactory.getLogger(HfConfigReader.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private HfConfigReader() {}

    /** Reads config.json and, when present, generation_config.json from a model folder. */
    public static ModelConfig read(Path configFile, Path generationConfigFile) throws ModelFormatException {
        JsonNode config = readJson(configFile);
        Architecture architecture = architecture(configFile, config);

        int hiddenSize = requiredInt(configFile, config, "hidden_size");
        int heads = requiredInt(configFile, config, "num_attention_heads");
        int kvHeads = config.path("num_key_value_heads").asInt(heads);
        boolean headDimGiven = config.hasNonNull("head_dim");
        int fixedHeadDim = defaultHeadDim(architecture);
        int headDim = headDimGiven ? config.get("head_dim").asInt()
                : fixedHeadDim > 0 ? fixedHeadDim : hiddenSize / heads;
        if (heads % Math.max(1, kvHeads) != 0 || kvHeads <= 0) {
            throw new ModelFormatException(configFile, "num_attention_heads=" + heads
                    + " is not a multiple of num_key_value_heads=" + kvHeads + "; fix config.json.");
        }
        if (!headDimGiven && fixedHeadDim == 0 && hiddenSize % heads != 0) {
            throw new ModelFormatException(configFile, "hidden_size=" + hiddenSize + " is not a multiple of "
                    + "num_attention_heads=" + heads + " and no head_dim is given; fix config.json.");
        }
        if (headDim <= 0) {
            throw new ModelFormatException(configFile, "head_dim=" + headDim + " is not a positive integer; fix "
                    + "config.json.");
        }
        if (headDim % 2 != 0) {
            throw new ModelFormatException(configFile, "head_dim=" + headDim + " is odd, but rotary embeddings "
                    + "rotate pairs of dimensions; fix config.json.");
        }
        HiddenActivation activation = hiddenActivation(configFile, architecture, config);
        if (config.path("mlp_bias").asBoolean(false)) {
            throw new ModelFormatException(configFile, "mlp_bias=true is not supported: Topiary's gated MLP has "
                    + "no biases.");
        }
        rejectPartialRotary(configFile, config);

        // Qwen2 always has q/k/v biases and Phi-3 never has any; the others declare them with attention_bias.
        boolean attentionBias = switch (architecture) {
            case QWEN2 -> true;
            case PHI3 -> false;
            default -> config.path("attention_bias").asBoolean(false);
        };
        int layers = requiredInt(configFile, config, "num_hidden_layers");
        int slidingWindow = slidingWindow(configFile, architecture, config, layers);
        List<LayerType> layerTypes = layerTypes(configFile, architecture, config, layers);
        List<Integer> eos = tokenIds(config.get("eos_token_id"));
        int bos = config.path("bos_token_id").asInt(-1);
        if (generationConfigFile != null && Files.isRegularFile(generationConfigFile)) {
            JsonNode generation = readJson(generationConfigFile);
            if (generation.has("eos_token_id")) {
                eos = tokenIds(generation.get("eos_token_id"));
            }
            bos = generation.path("bos_token_id").asInt(bos);
        }

        // Gemma 2 scales scores by query_pre_attn_scalar^-0.5 and soft-caps them and the logits; the others do
        // neither, and their scores are scaled by head_dim^-0.5.
        boolean gemma2 = architecture == Architecture.GEMMA2;
        double queryPreAttnScalar = gemma2 ? optionalDouble(configFile, config, "query_pre_attn_scalar", 256) : headDim;
        double attnLogitSoftcapping = gemma2 ? softcapping(configFile, config, "attn_logit_softcapping", 50) : 0;
        double finalLogitSoftcapping = gemma2 ? softcapping(configFile, config, "final_logit_softcapping", 30) : 0;
        boolean tiedByDefault = architecture == Architecture.GEMMA || gemma2;
        double defaultEps = architecture == Architecture.PHI3 ? 1e-5 : 1e-6;

        return new ModelConfig(architecture, hiddenSize, requiredInt(configFile, config, "intermediate_size"),
                layers, heads, kvHeads, headDim,
                requiredInt(configFile, config, "vocab_size"), config.path("max_position_embeddings").asInt(2048),
                optionalDouble(configFile, config, "rms_norm_eps", defaultEps),
                optionalDouble(configFile, config, "rope_theta", 10000.0),
                ropeScaling(configFile, architecture, config.get("rope_scaling")),
                config.path("tie_word_embeddings").asBoolean(tiedByDefault), attentionBias, slidingWindow, bos, eos,
                activation, layerTypes, queryPreAttnScalar, attnLogitSoftcapping, finalLogitSoftcapping);
    }

    /** Returns transformers' head_dim when config.json has none, or 0 when it is hidden_size / num_attention_heads. */
    private static int defaultHeadDim(Architecture architecture) {
        return switch (architecture) {
            case GEMMA, GEMMA2 -> 256;
            case QWEN3 -> 128;
            default -> 0;
        };
    }

    /**
     * Reads the MLP activation: silu for the Llama, Qwen and Phi-3 families, the tanh approximation of GELU for
     * Gemma, whose config classes prefer hidden_activation over hidden_act.
     */
    private static HiddenActivation hiddenActivation(Path configFile, Architecture architecture, JsonNode config)
            throws ModelFormatException {
        boolean gemma = architecture == Architecture.GEMMA || architecture == Architecture.GEMMA2;
        HiddenActivation expected = gemma ? HiddenActivation.GELU_PYTORCH_TANH : HiddenActivation.SILU;
        String field = gemma && config.hasNonNull("hidden_activation") ? "hidden_activation" : "hidden_act";
        String name = config.path(field).asText(expected.configName());
        if (architecture == Architecture.GEMMA && field.equals("hidden_act") && name.equals("gelu")) {
            // hidden_act "gelu" without hidden_activation is ambiguous for Gemma 1: transformers versions whose
            // GemmaMLP reads hidden_activation compute the tanh approximation, and versions whose GemmaMLP reads
            // hidden_act compute exact GELU. The two differ by at most 4.8e-4 per neuron.
            log.warn("{}: hidden_act 'gelu' without hidden_activation; computing Gemma's gelu_pytorch_tanh",
                    configFile);
            return expected;
        }
        if (!name.equals(expected.configName())) {
            throw new ModelFormatException(configFile, field + " is '" + name + "'; a " + architecture.hfClassName()
                    + " in Topiary uses " + expected.configName() + ". Check that config.json belongs to this model.");
        }
        return expected;
    }

    /** Rejects rotary embeddings on only part of each head, which partial_rotary_factor below 1.0 asks for. */
    private static void rejectPartialRotary(Path configFile, JsonNode config) throws ModelFormatException {
        JsonNode factor = config.get("partial_rotary_factor");
        if (factor != null && !factor.isNull() && factor.asDouble(0) != 1.0) {
            throw new ModelFormatException(configFile, "partial_rotary_factor=" + factor + " is not supported: "
                    + "Topiary rotates every dimension of each head (partial_rotary_factor 1.0).");
        }
    }

    /** Reads a soft-capping value: {@code fallback} when absent, 0 (none) when null. */
    private static double softcapping(Path configFile, JsonNode config, String field, double fallback)
            throws ModelFormatException {
        JsonNode value = config.get(field);
        if (value != null && value.isNull()) {
            return 0;
        }
        return optionalDouble(configFile, config, field, fallback);
    }

    private static Architecture architecture(Path configFile, JsonNode config) throws ModelFormatException {
        JsonNode architectures = config.get("architectures");
        if (architectures != null && architectures.isArray() && architectures.size() > 0) {
            String name = architectures.get(0).asText();
            return Architecture.fromHfClassName(name).orElseThrow(() -> new ModelFormatException(configFile,
                    "architecture '" + name + "' is not supported. Supported: " + Architecture.supportedNames() + "."));
        }
        String type = config.path("model_type").asText("");
        return Architecture.fromModelType(type).orElseThrow(() -> new ModelFormatException(configFile,
                "config.json names no supported architecture (model_type '" + type + "'). Supported: "
                        + Architecture.supportedNames() + "."));
    }

    private static int slidingWindow(Path configFile, Architecture architecture, JsonNode config, int layers)
            throws ModelFormatException {
        if (architecture == Architecture.GEMMA) {
            return 0; // transformers' Gemma attends to every earlier position
        }
        JsonNode window = config.get("sliding_window");
        int fallback = architecture == Architecture.GEMMA2 ? 4096 : 0;
        int size = window == null ? fallback : window.isNull() ? 0 : window.asInt(0);
        boolean qwen = architecture == Architecture.QWEN2 || architecture == Architecture.QWEN3;
        if (!qwen || size == 0) {
            return size;
        }
        if (!config.path("use_sliding_window").asBoolean(false)) {
            return 0;
        }

        // transformers gives Qwen the window only from layer max_window_layers (default 28) on, or to the layers
        // that layer_types marks "sliding_attention". Topiary windows either every Qwen layer or none.
        JsonNode layerTypes = config.get("layer_types");
        boolean listed = layerTypes != null && layerTypes.isArray();
        int firstWindowedLayer = config.path("max_window_layers").asInt(28);
        int windowedLayers = 0;
        for (int layer = 0; layer < layers; layer++) {
            boolean windowed = listed
                    ? layerTypes.path(layer).asText().equals("sliding_attention")
                    : layer >= firstWindowedLayer;
            windowedLayers += windowed ? 1 : 0;
        }
        if (windowedLayers == 0) {
            return 0;
        }
        if (windowedLayers < layers) {
            String source = listed ? "layer_types" : "max_window_layers=" + firstWindowedLayer;
            throw new ModelFormatException(configFile, "use_sliding_window=true with " + source + " gives "
                    + windowedLayers + " of " + layers + " layers a sliding window, but Topiary applies the same "
                    + "attention to every layer of a " + architecture.hfClassName() + ". Models that mix full and "
                    + "sliding-window layers are supported only for Gemma2ForCausalLM.");
        }
        return size;
    }

    /**
     * Returns the attention pattern of every layer. Gemma 2 follows layer_types, or by default windows the even
     * layers (0, 2, ...) as transformers' Gemma2Config does; every other architecture windows all layers when it
     * has a window, which {@link #slidingWindow} checks.
     */
    private static List<LayerType> layerTypes(Path configFile, Architecture architecture, JsonNode config,
            int layers) throws ModelFormatException {
        if (architecture != Architecture.GEMMA2) {
            return Collections.nCopies(layers, LayerType.SLIDING_ATTENTION);
        }
        List<LayerType> types = new ArrayList<>();
        JsonNode listed = config.get("layer_types");
        if (listed == null || listed.isNull()) {
            for (int layer = 0; layer < layers; layer++) {
                types.add(layer % 2 == 0 ? LayerType.SLIDING_ATTENTION : LayerType.FULL_ATTENTION);
            }
            return types;
        }
        if (!listed.isArray() || listed.size() != layers) {
            throw new ModelFormatException(configFile, "layer_types must list one entry per layer ("
                    + layers + "), found " + listed + "; fix config.json.");
        }
        for (JsonNode entry : listed) {
            types.add(LayerType.fromConfigName(entry.asText()).orElseThrow(() -> new ModelFormatException(
                    configFile, "layer_types contains '" + entry.asText() + "'; expected 'full_attention' or "
                            + "'sliding_attention'.")));
        }
        return types;
    }

    private static RopeScaling ropeScaling(Path configFile, Architecture architecture, JsonNode node)
            throws ModelFormatException {
        if (node == null || node.isNull()) {
            return null;
        }
        String type = node.has("rope_type") ? node.get("rope_type").asText() : node.path("type").asText("");
        if (type.equals("default")) {
            return null;
        }
        if (architecture == Architecture.PHI3) {
            // Phi-3's long-context variants use longrope (formerly "su" or "yarn"), with per-frequency factors
            // and a switch at original_max_position_embeddings that Topiary does not implement.
            throw new ModelFormatException(configFile, "rope_scaling of type '" + type + "' is not supported for "
                    + "Phi3ForCausalLM; Topiary runs Phi-3 without rope scaling. Use a variant without it, such as "
                    + "a 4k-context model.");
        }
        if (!type.equals("llama3")) {
            throw new ModelFormatException(configFile, "rope_scaling of type '" + type + "' is not supported "
                    + "(supported: llama3). Remove rope_scaling only if the model was trained without it.");
        }
        return new RopeScaling(requiredDouble(configFile, node, "factor"),
                requiredDouble(configFile, node, "low_freq_factor"), requiredDouble(configFile, node, "high_freq_factor"),
                (int) requiredDouble(configFile, node, "original_max_position_embeddings"));
    }

    private static List<Integer> tokenIds(JsonNode node) {
        List<Integer> ids = new ArrayList<>();
        if (node == null || node.isNull()) {
            return ids;
        }
        if (node.isArray()) {
            node.forEach(id -> ids.add(id.asInt()));
        } else {
            ids.add(node.asInt());
        }
        return ids;
    }

    private static int requiredInt(Path file, JsonNode node, String field) throws ModelFormatException {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToInt() || value.asInt() <= 0) {
            throw new ModelFormatException(file, "'" + field + "' is missing or not a positive integer (found "
                    + value + "); fix config.json.");
        }
        return value.asInt();
    }

    private static double optionalDouble(Path file, JsonNode node, String field, double fallback)
            throws ModelFormatException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isNumber() || !(value.asDouble() > 0)) {
            throw new ModelFormatException(file, "'" + field + "' must be a positive number (found " + value
                    + "); fix config.json.");
        }
        return value.asDouble();
    }

    private static double requiredDouble(Path file, JsonNode node, String field) throws ModelFormatException {
        JsonNode value = node.get(field);
        if (value == null || !value.isNumber()) {
            throw new ModelFormatException(file, "rope_scaling." + field + " is missing or not a number; fix config.json.");
        }
        return value.asDouble();
    }

    static JsonNode readJson(Path file) throws ModelFormatException {
        try {
            JsonNode node = JSON.readTree(file.toFile());
            if (node == null || !node.isObject()) {
                throw new ModelFormatException(file, "expected a JSON object; the file is empty or damaged.");
            }
            return node;
        } catch (IOException e) {
            throw new ModelFormatException(file, "is not valid JSON (" + e.getMessage().lines().findFirst().orElse("")
                    + ").", e);
        }
    }
}
