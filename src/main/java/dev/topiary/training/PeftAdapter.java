package dev.topiary.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.topiary.engine.TensorEngine;
import dev.topiary.export.ExportException;
import dev.topiary.export.StagingFolder;
import dev.topiary.model.LanguageModel;
import dev.topiary.model.ModelConfig;
import dev.topiary.model.ModelFormatException;
import dev.topiary.model.Projection;
import dev.topiary.model.safetensors.SafetensorsFile;
import dev.topiary.model.safetensors.SafetensorsWriter;
import dev.topiary.model.safetensors.TensorDtype;
import dev.topiary.model.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LoRA adapters as a PEFT folder: {@code adapter_config.json} and {@code adapter_model.safetensors} with float32
 * {@code lora_A} [r, in] and {@code lora_B} [out, r] matrices under the names PEFT's {@code save_pretrained} gives a
 * causal language model, such as {@code base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight}.
 *
 * <p>Reading accepts what writing produces and PEFT adapters of the same kind: plain LoRA with one rank and alpha
 * for every module, no bias, no rsLoRA or DoRA, and target modules given as a list of projection names.
 */
public final class PeftAdapter {

    /** The adapter's config file. */
    public static final String CONFIG_FILE = "adapter_config.json";
    /** The adapter's weights file. */
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PeftAdapter() {}

    /**
     * Writes the adapters to {@code target}, which must be absent or an empty folder, through a staging folder.
     *
     * @param baseModel what {@code base_model_name_or_path} records: the base model's folder or repo id
     */
    public static Path write(TensorEngine engine, LoraAdapter adapter, LanguageModel model, Path target,
            String baseModel) throws ExportException {
        Path absolute = target.toAbsolutePath().normalize();
        if (!canWrite(model.config(), adapter.config())) {
            throw new ExportException(absolute, "cannot be written as a PEFT adapter: Phi-3 fuses q_proj, k_proj and "
                    + "v_proj into qkv_proj and gate_proj and up_proj into gate_up_proj, and Topiary's adapters "
                    + "target the separate projections. Merge the adapters into the model instead (--merge), or "
                    + "target only o_proj and down_proj.");
        }
        Map<String, float[]> tensors = engine.call(root -> {
            Map<String, float[]> values = new LinkedHashMap<>();
            adapter.arrays().forEach((name, array) -> values.put(name, array.toFloatArray()));
            return values;
        });
        Path staging;
        try {
            staging = StagingFolder.create(absolute);
        } catch (IOException e) {
            throw new ExportException(e.getMessage(), e);
        }
        try {
            JSON.writeValue(staging.resolve(CONFIG_FILE).toFile(), configJson(adapter.config(), baseModel));
            SafetensorsWriter writer = new SafetensorsWriter();
            for (Map.Entry<String, float[]> tensor : tensors.entrySet()) {
                writer.add(tensor.getKey(), TensorDtype.F32, shapeOf(adapter, tensor.getKey()),
                        tensor.getValue());
            }
            writer.write(staging.resolve(WEIGHTS_FILE));
            StagingFolder.moveIntoPlace(staging, absolute);
        } catch (IOException e) {
            StagingFolder.delete(staging);
            throw new ExportException(absolute, "writing the adapter failed (" + e.getMessage() + "); nothing was "
                    + "written to the target folder.", e);
        }
        return absolute;
    }

    /**
     * Returns whether adapters of this config can be written for this model: not when they target a projection
     * that the model's checkpoint stores fused (Phi-3's q/k/v and gate/up).
     */
    public static boolean canWrite(ModelConfig modelConfig, LoraConfig config) {
        if (!modelConfig.architecture().fusesProjections()) {
            return true;
        }
        // NOTE: PEFT would see Phi-3's fused qkv_proj and gate_up_proj modules; rewriting separate adapters as one
        // block-diagonal adapter per fused module is not implemented.
        return config.targets().stream().allMatch(p -> p == Projection.O_PROJ || p == Projection.DOWN_PROJ);
    }

    private static long[] shapeOf(LoraAdapter adapter, String name) {
        long[] shape = adapter.arrays().get(name).getShape().getShape();
        return Arrays.copyOf(shape, shape.length);
    }

    /** Builds adapter_config.json with the fields PEFT's LoraConfig reads. */
    static ObjectNode configJson(LoraConfig config, String baseModel) {
        ObjectNode json = JSON.createObjectNode();
        json.put("peft_type", "LORA");
        json.put("task_type", "CAUSAL_LM");
        json.put("base_model_name_or_path", baseModel);
        json.putNull("revision");
        json.put("r", config.rank());
        json.put("lora_alpha", config.alpha());
        json.put("lora_dropout", config.dropout());
        ArrayNode targets = json.putArray("target_modules");
        config.targets().forEach(projection -> targets.add(projection.moduleName()));
        json.put("bias", "none");
        json.put("fan_in_fan_out", false);
        json.put("inference_mode", true);
        json.put("init_lora_weights", true);
        json.put("use_rslora", false);
        json.put("use_dora", false);
        json.putNull("modules_to_save");
        json.putNull("layers_to_transform");
        json.putNull("layers_pattern");
        json.putObject("rank_pattern");
        json.putObject("alpha_pattern");
        return json;
    }

    /**
     * Reads a PEFT LoRA folder and creates its adapters for {@code model}, unattached.
     *
     * @throws ModelFormatException when a file is missing or invalid, or the adapter does not fit the model
     */
    public static LoraAdapter read(TensorEngine engine, Path folder, LanguageModel model) throws ModelFormatException {
        LoraConfig config = readConfig(folder.resolve(CONFIG_FILE));
        Path weightsFile = folder.resolve(WEIGHTS_FILE);
        if (!Files.isRegularFile(weightsFile)) {
            throw new ModelFormatException(weightsFile, "is missing; a PEFT adapter folder contains " + CONFIG_FILE
                    + " and " + WEIGHTS_FILE + ".");
        }
        try {
            LoraAdapter.checkRank(model.config(), config);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(folder.resolve(CONFIG_FILE), e.getMessage());
        }
        Map<String, float[]> tensors = readTensors(weightsFile, model, config);
        return engine.call(root -> LoraAdapter.fromTensors(model, config, tensors, weightsFile),
                ModelFormatException.class);
    }

    private static LoraConfig readConfig(Path file) throws ModelFormatException {
        JsonNode json;
        try {
            json = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelFormatException(file, "cannot be read as JSON (" + e.getMessage() + ").", e);
        }
        if (!"LORA".equals(json.path("peft_type").asText())) {
            throw new ModelFormatException(file, "has peft_type '" + json.path("peft_type").asText()
                    + "' but Topiary reads LORA adapters only.");
        }
        rejectIf(file, json.path("use_rslora").asBoolean(false), "uses rsLoRA scaling (use_rslora)");
        rejectIf(file, json.path("use_dora").asBoolean(false), "is a DoRA adapter (use_dora)");
        rejectIf(file, json.path("fan_in_fan_out").asBoolean(false), "stores transposed weights (fan_in_fan_out)");
        rejectIf(file, !"none".equals(json.path("bias").asText("none")), "trains biases (bias is not \"none\")");
        rejectIf(file, json.path("rank_pattern").size() > 0 || json.path("alpha_pattern").size() > 0,
                "has per-module ranks or alphas (rank_pattern, alpha_pattern)");
        rejectIf(file, json.hasNonNull("layers_to_transform"), "adapts only some layers (layers_to_transform)");
        rejectIf(file, json.hasNonNull("modules_to_save") && json.get("modules_to_save").size() > 0,
                "saves whole modules (modules_to_save)");
        JsonNode targetNode = json.path("target_modules");
        if (!targetNode.isArray() || targetNode.isEmpty()) {
            throw new ModelFormatException(file, "target_modules must be a list of projection names such as "
                    + "[\"q_proj\", \"v_proj\"], found " + targetNode + ".");
        }
        List<Projection> targets = new ArrayList<>();
        for (JsonNode target : targetNode) {
            try {
                targets.add(Projection.parse(target.asText()));
            } catch (IllegalArgumentException e) {
                throw new ModelFormatException(file, "target_modules: " + e.getMessage());
            }
        }
        try {
            return new LoraConfig(json.path("r").asInt(0), json.path("lora_alpha").asDouble(0),
                    json.path("lora_dropout").asDouble(0), targets);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file, e.getMessage());
        }
    }

    private static void rejectIf(Path file, boolean condition, String what) throws ModelFormatException {
        if (condition) {
            throw new ModelFormatException(file, "the adapter " + what + ", which Topiary does not support; it reads "
                    + "plain LoRA adapters.");
        }
    }

    /** Reads every tensor, checking that each is an adapter of a targeted projection with the expected shape. */
    private static Map<String, float[]> readTensors(Path file, LanguageModel model, LoraConfig config)
            throws ModelFormatException {
        Map<String, long[]> expected = new LinkedHashMap<>();
        for (int layer = 0; layer < model.config().numHiddenLayers(); layer++) {
            for (Projection projection : config.targets()) {
                expected.put(LoraAdapter.downName(layer, projection),
                        new long[] {config.rank(), projection.inputSize(model.config())});
                expected.put(LoraAdapter.upName(layer, projection),
                        new long[] {projection.outputSize(model.config()), config.rank()});
            }
        }
        Map<String, float[]> tensors = new LinkedHashMap<>();
        try (SafetensorsFile weights = SafetensorsFile.open(file)) {
            for (TensorInfo info : weights.tensors().values()) {
                long[] shape = expected.get(info.name());
                if (shape == null) {
                    throw new ModelFormatException(file, "has tensor '" + info.name() + "', which is not the lora_A "
                            + "or lora_B of a target module in a " + model.config().numHiddenLayers() + "-layer model. "
                            + "The adapter belongs to another model or uses features Topiary does not read.");
                }
                if (!Arrays.equals(shape, info.shape())) {
                    throw new ModelFormatException(file, "tensor '" + info.name() + "' has shape "
                            + info.shapeText() + " but rank " + config.rank() + " on this model needs "
                            + Arrays.toString(shape) + ". The adapter belongs to another model.");
                }
                tensors.put(info.name(), weights.readFloats(info.name()));
            }
        }
        return tensors;
    }
}
