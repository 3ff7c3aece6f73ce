package dev.topiary.model.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topiary.model.Architecture;
import dev.topiary.model.ModelConfig;
import dev.topiary.model.ModelFormatException;
import dev.topiary.model.RopeScaling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Maps a Hugging Face {@code config.json} (and {@code generation_config.json}) to a {@link ModelConfig}. */
public final class HfConfigReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HfConfigReader() {}

    /** Reads config.json and, when present, generation_config.json from a model folder. */
    public static ModelConfig read(Path configFile, Path generationConfigFile) throws ModelFormatException {
        JsonNode config = readJson(configFile);
        Architecture architecture = architecture(configFile, config);

        int hiddenSize = requiredInt(configFile, config, "hidden_size");
        int heads = requiredInt(configFile, config, "num_attention_heads");
        int kvHeads = config.path("num_key_value_heads").asInt(heads);
        int headDim = config.hasNonNull("head_dim") ? config.get("head_dim").asInt() : hiddenSize / Math.max(1, heads);
        if (heads % Math.max(1, kvHeads) != 0 || kvHeads <= 0) {
            throw new ModelFormatException(configFile, "num_attention_heads=" + heads
                    + " is not a multiple of num_key_value_heads=" + kvHeads + "; fix config.json.");
        }
        if (!config.hasNonNull("head_dim") && hiddenSize % heads != 0) {
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
        String activation = config.path("hidden_act").asText("silu");
        if (!activation.equals("silu")) {
            throw new ModelFormatException(configFile, "hidden_act is '" + activation + "'; a "
                    + architecture.hfClassName() + " in Topiary uses silu. Check that config.json belongs to this model.");
        }
        if (config.path("mlp_bias").asBoolean(false)) {
            throw new ModelFormatException(configFile, "mlp_bias=true is not supported: Topiary's gated MLP has "
                    + "no biases.");
        }

        // Qwen2 always has q/k/v biases and no config flag for them; Llama declares them with attention_bias.
        boolean attentionBias = architecture == Architecture.QWEN2 || config.path("attention_bias").asBoolean(false);
        int layers = requiredInt(configFile, config, "num_hidden_layers");
        int slidingWindow = slidingWindow(configFile, architecture, config, layers);
        List<Integer> eos = tokenIds(config.get("eos_token_id"));
        int bos = config.path("bos_token_id").asInt(-1);
        if (generationConfigFile != null && Files.isRegularFile(generationConfigFile)) {
            JsonNode generation = readJson(generationConfigFile);
            if (generation.has("eos_token_id")) {
                eos = tokenIds(generation.get("eos_token_id"));
            }
            bos = generation.path("bos_token_id").asInt(bos);
        }

        return new ModelConfig(architecture, hiddenSize, requiredInt(configFile, config, "intermediate_size"),
                layers, heads, kvHeads, headDim,
                requiredInt(configFile, config, "vocab_size"), config.path("max_position_embeddings").asInt(2048),
                optionalDouble(configFile, config, "rms_norm_eps", 1e-6),
                optionalDouble(configFile, config, "rope_theta", 10000.0),
                ropeScaling(configFile, config.get("rope_scaling")), config.path("tie_word_embeddings").asBoolean(false),
                attentionBias, slidingWindow, bos, eos);
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
        JsonNode window = config.get("sliding_window");
        int size = window == null || window.isNull() ? 0 : window.asInt(0);
        if (architecture != Architecture.QWEN2 || size == 0) {
            return size;
        }
        if (!config.path("use_sliding_window").asBoolean(false)) {
            return 0;
        }

        // transformers gives Qwen2 the window only from layer max_window_layers (default 28) on, or to the layers
        // that layer_types marks "sliding_attention". Topiary applies one attention pattern to every layer.
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
                    + "attention to every layer. Models that mix full and sliding-window layers are not supported.");
        }
        return size;
    }

    private static RopeScaling ropeScaling(Path configFile, JsonNode node) throws ModelFormatException {
        if (node == null || node.isNull()) {
            return null;
        }
        String type = node.has("rope_type") ? node.get("rope_type").asText() : node.path("type").asText("");
        if (type.equals("default")) {
            return null;
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
