package dev.topiary.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.topiary.model.Architecture;
import dev.topiary.model.Checkpoint;
import dev.topiary.model.FusedProjections;
import dev.topiary.model.ModelConfig;
import dev.topiary.model.ModelFormatException;
import dev.topiary.model.WeightLayout;
import dev.topiary.model.safetensors.SafetensorsWriter;
import dev.topiary.model.safetensors.TensorDtype;
import dev.topiary.model.tokenizer.SentencePieceBpeTokenizer;
import dev.topiary.model.tokenizer.TokenizerJsonWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes a {@link Checkpoint} as a Hugging Face model folder. */
public final class HfFolderWriter {

    private static final Logger log = LoggerFactory.getLogger(HfFolderWriter.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private HfFolderWriter() {}

    /**
     * Writes the checkpoint to {@code target}, which must not exist or be an empty folder.
     *
     * @return the folder written
     */
    public static Path write(Checkpoint checkpoint, Path target) throws ExportException {
        return write(checkpoint, target, null);
    }

    /**
     * Writes the checkpoint like {@link #write(Checkpoint, Path)}, plus {@code topiary.json} with what the model
     * was made from (source model, method, parameters, removed indices) when {@code provenance} is not null.
     */
    public static Path write(Checkpoint checkpoint, Path target, Object provenance) throws ExportException {
        Path absolute = checkTarget(checkpoint, target);
        Path staging;
        try {
            staging = StagingFolder.create(absolute);
        } catch (IOException e) {
            throw new ExportException(e.getMessage(), e);
        }
        try {
            writeContents(checkpoint, staging);
            if (provenance != null) {
                JSON.writeValue(staging.resolve("topiary.json").toFile(), provenance);
            }
            StagingFolder.moveIntoPlace(staging, absolute);
        } catch (IOException | ModelFormatException | UncheckedIOException e) {
            StagingFolder.delete(staging);
            throw new ExportException(absolute, "writing the model failed (" + e.getMessage() + "); nothing was "
                    + "written to the target folder.", e);
        }
        log.info("Wrote Hugging Face folder {}", absolute);
        return absolute;
    }

    /** Returns whether {@code target} is the source model's folder or inside it. */
    private static boolean isInside(Path target, Path source) {
        Path sourceFolder = source.toAbsolutePath().normalize();
        if (!java.nio.file.Files.isDirectory(sourceFolder)) {
            return false;
        }
        return target.startsWith(sourceFolder);
    }

    /**
     * Checks, without writing anything, that the model of {@code checkpoint} can be written to {@code target}: a new
     * or empty folder outside the source model's folder. Returns the absolute target.
     */
    public static Path checkTarget(Checkpoint checkpoint, Path target) throws ExportException {
        Path absolute = target.toAbsolutePath().normalize();
        if (isInside(absolute, checkpoint.source())) {
            throw new ExportException(absolute, "is inside the source model's folder "
                    + checkpoint.source().toAbsolutePath().normalize() + "; Topiary never writes there. Choose a "
                    + "folder outside it.");
        }
        try {
            StagingFolder.checkTarget(absolute);
        } catch (IOException e) {
            throw new ExportException(e.getMessage(), e);
        }
        return absolute;
    }

    private static void writeContents(Checkpoint checkpoint, Path folder) throws IOException, ModelFormatException {
        ModelConfig config = checkpoint.config();
        JSON.writeValue(folder.resolve("config.json").toFile(), configJson(config));
        JSON.writeValue(folder.resolve("generation_config.json").toFile(), generationConfigJson(config));

        SafetensorsWriter weights = new SafetensorsWriter();
        for (Map.Entry<String, long[]> tensor : WeightLayout.stored(config).entrySet()) {
            weights.add(tensor.getKey(), TensorDtype.F32, tensor.getValue(),
                    FusedProjections.readStored(config, checkpoint.tensors(), tensor.getKey()));
        }
        weights.write(folder.resolve("model.safetensors"));

        if (checkpoint.tokenizer() instanceof SentencePieceBpeTokenizer sentencePiece) {
            TokenizerJsonWriter.write(sentencePiece, folder.resolve("tokenizer.json"),
                    folder.resolve("tokenizer_config.json"), config.maxPositionEmbeddings());
        } else if (checkpoint.tokenizerFile() != null) {
            Path tokenizerFolder = checkpoint.tokenizerFile().getParent();
            for (String name : new String[] {"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"}) {
                Path file = tokenizerFolder.resolve(name);
                if (Files.isRegularFile(file)) {
                    Files.copy(file, folder.resolve(name));
                }
            }
        }
    }

    /** Builds config.json with the fields transformers reads for this architecture. */
    static ObjectNode configJson(ModelConfig config) {
        ObjectNode json = JSON.createObjectNode();
        json.putArray("architectures").add(config.architecture().hfClassName());
        json.put("model_type", config.architecture().modelType());
        json.put("hidden_size", config.hiddenSize());
        json.put("intermediate_size", config.intermediateSize());
        json.put("num_hidden_layers", config.numHiddenLayers());
        json.put("num_attention_heads", config.numAttentionHeads());
        json.put("num_key_value_heads", config.numKeyValueHeads());
        json.put("head_dim", config.headDim());
        json.put("vocab_size", config.vocabSize());
        json.put("max_position_embeddings", config.maxPositionEmbeddings());
        json.put("rms_norm_eps", config.rmsNormEps());
        json.put("rope_theta", config.ropeTheta());
        if (config.ropeScaling() == null) {
            json.putNull("rope_scaling");
        } else {
            ObjectNode scaling = json.putObject("rope_scaling");
            scaling.put("rope_type", "llama3");
            scaling.put("factor", config.ropeScaling().factor());
            scaling.put("low_freq_factor", config.ropeScaling().lowFreqFactor());
            scaling.put("high_freq_factor", config.ropeScaling().highFreqFactor());
            scaling.put("original_max_position_embeddings", config.ropeScaling().originalMaxPositionEmbeddings());
        }
        json.put("tie_word_embeddings", config.tieWordEmbeddings());
        putAttentionBias(json, config);
        putSlidingWindow(json, config);
        putActivation(json, config);
        if (config.architecture() == Architecture.GEMMA2) {
            json.put("query_pre_attn_scalar", config.queryPreAttnScalar());
            putSoftcapping(json, "attn_logit_softcapping", config.attnLogitSoftcapping());
            putSoftcapping(json, "final_logit_softcapping", config.finalLogitSoftcapping());
        }
        json.put("attention_dropout", 0.0);
        json.put("initializer_range", 0.02);
        if (config.bosTokenId() >= 0) {
            json.put("bos_token_id", config.bosTokenId());
        }
        if (!config.eosTokenIds().isEmpty()) {
            json.put("eos_token_id", config.eosTokenIds().get(0));
        }
        json.put("torch_dtype", "float32");
        json.put("use_cache", true);
        return json;
    }

    /** Writes attention_bias where the architecture's config class has it: not Qwen2 (fixed biases), not Phi-3. */
    private static void putAttentionBias(ObjectNode json, ModelConfig config) {
        switch (config.architecture()) {
            case QWEN2, PHI3 -> { }
            case LLAMA, MISTRAL -> {
                json.put("attention_bias", config.attentionBias());
                json.put("mlp_bias", false);
            }
            case QWEN3, GEMMA, GEMMA2 -> json.put("attention_bias", config.attentionBias());
        }
    }

    /** Writes the window in the fields each config class reads, so every layer Topiary windows is windowed. */
    private static void putSlidingWindow(ObjectNode json, ModelConfig config) {
        Architecture architecture = config.architecture();
        if (architecture == Architecture.GEMMA2) {
            // Gemma 2 has a window unless sliding_window is null. layer_types keeps the pattern of pruned models in
            // recent transformers versions. NOTE: older versions ignore it and window the even layers.
            if (config.slidingWindow() > 0) {
                json.put("sliding_window", config.slidingWindow());
            } else {
                json.putNull("sliding_window");
            }
            ArrayNode layerTypes = json.putArray("layer_types");
            config.layerTypes().forEach(type -> layerTypes.add(type.configName()));
            return;
        }
        if (config.slidingWindow() == 0 || architecture == Architecture.GEMMA) {
            return;
        }
        json.put("sliding_window", config.slidingWindow());
        if (architecture == Architecture.QWEN2 || architecture == Architecture.QWEN3) {
            json.put("use_sliding_window", true);
            // Qwen windows only the layers from max_window_layers on, and Topiary windows every layer.
            json.put("max_window_layers", 0);
        }
    }

    /** Writes hidden_act, and for Gemma also hidden_activation, which Gemma's config classes prefer. */
    private static void putActivation(ObjectNode json, ModelConfig config) {
        json.put("hidden_act", config.hiddenAct().configName());
        if (config.architecture() == Architecture.GEMMA || config.architecture() == Architecture.GEMMA2) {
            json.put("hidden_activation", config.hiddenAct().configName());
        }
    }

    private static void putSoftcapping(ObjectNode json, String field, double cap) {
        if (cap > 0) {
            json.put(field, cap);
        } else {
            json.putNull(field);
        }
    }

    /** Builds generation_config.json, which carries every end-of-sequence id. */
    static ObjectNode generationConfigJson(ModelConfig config) {
        ObjectNode json = JSON.createObjectNode();
        if (config.bosTokenId() >= 0) {
            json.put("bos_token_id", config.bosTokenId());
        }
        ArrayNode eos = json.putArray("eos_token_id");
        config.eosTokenIds().forEach(eos::add);
        return json;
    }
}
