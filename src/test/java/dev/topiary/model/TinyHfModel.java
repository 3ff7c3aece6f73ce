package dev.topiary.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.topiary.model.safetensors.PrecisionRounding;
import dev.topiary.model.safetensors.SafetensorsWriter;
import dev.topiary.model.safetensors.TensorDtype;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Settings and seeded random weights of a tiny Hugging Face model, and the writer of its folder:
 * config.json, optionally generation_config.json, and model.safetensors or shards with an index.
 *
 * <p>Projections are drawn from N(0, 0.2^2), norm weights from 1 + N(0, 0.1^2) (N(0, 0.1^2) for Gemma, whose
 * norms multiply by 1 + weight) and embeddings from N(0, 0.5^2), so attention is neither uniform nor one-hot and
 * the logits spread over a few units. Values are rounded to the storage dtype before anything uses them, so the
 * reference forward pass uses exactly the numbers in the file.
 */
public final class TinyHfModel {

    /** One tensor: its shape, outermost first, and its row-major values. */
    public record Tensor(long[] shape, float[] values) {}

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String architecture;
    private final String modelType;
    private int hiddenSize = 32;
    private int intermediateSize = 48;
    private int numHiddenLayers = 2;
    private int numAttentionHeads = 4;
    private int numKeyValueHeads = 4;
    private Integer headDim;
    private int vocabSize = 61;
    private double rmsNormEps = 1e-5;
    private double ropeTheta = 10000;
    private ReferenceLlama.Llama3Scaling ropeScaling;
    private boolean tieWordEmbeddings;
    private boolean attentionBias;
    private int slidingWindow;
    private double queryPreAttnScalar;
    private double attnLogitSoftcapping;
    private double finalLogitSoftcapping;
    private TensorDtype dtype = TensorDtype.F32;
    private int shards = 1;
    private List<Integer> generationEosTokenIds;
    private long seed = 1;
    private Map<String, Tensor> tensors;

    private TinyHfModel(String architecture, String modelType) {
        this.architecture = architecture;
        this.modelType = modelType;
    }

    public static TinyHfModel llama() {
        return new TinyHfModel("LlamaForCausalLM", "llama");
    }

    /** Returns a Qwen2 model, which always has q, k and v biases. */
    public static TinyHfModel qwen2() {
        return new TinyHfModel("Qwen2ForCausalLM", "qwen2");
    }

    public static TinyHfModel mistral() {
        return new TinyHfModel("MistralForCausalLM", "mistral");
    }

    /** Returns a Qwen3 model, with q_norm and k_norm and no biases. */
    public static TinyHfModel qwen3() {
        return new TinyHfModel("Qwen3ForCausalLM", "qwen3");
    }

    /** Returns a Gemma model: scaled embeddings, 1 + weight norms and gelu-tanh. */
    public static TinyHfModel gemma() {
        return new TinyHfModel("GemmaForCausalLM", "gemma");
    }

    /**
     * Returns a Gemma 2 model. Its config.json has no layer_types, so transformers' default applies: the sliding
     * window on layers 0, 2, 4, ...
     */
    public static TinyHfModel gemma2() {
        return new TinyHfModel("Gemma2ForCausalLM", "gemma2");
    }

    /** Returns a Phi-3 model, whose file stores qkv_proj and gate_up_proj. */
    public static TinyHfModel phi3() {
        return new TinyHfModel("Phi3ForCausalLM", "phi3");
    }

    public TinyHfModel numHiddenLayers(int value) {
        numHiddenLayers = value;
        return changed();
    }

    /** Sets Gemma 2's query_pre_attn_scalar; 0 writes head_dim. */
    public TinyHfModel queryPreAttnScalar(double value) {
        queryPreAttnScalar = value;
        return changed();
    }

    /** Sets Gemma 2's attn_logit_softcapping and final_logit_softcapping; 0 writes null (none). */
    public TinyHfModel softcapping(double attention, double logits) {
        attnLogitSoftcapping = attention;
        finalLogitSoftcapping = logits;
        return changed();
    }

    public TinyHfModel hiddenSize(int value) {
        hiddenSize = value;
        return changed();
    }

    public TinyHfModel numAttentionHeads(int value) {
        numAttentionHeads = value;
        return changed();
    }

    public TinyHfModel numKeyValueHeads(int value) {
        numKeyValueHeads = value;
        return changed();
    }

    /** Sets an explicit head_dim in config.json; without it the head dim is hidden_size / num_attention_heads. */
    public TinyHfModel headDim(int value) {
        headDim = value;
        return changed();
    }

    public TinyHfModel ropeTheta(double value) {
        ropeTheta = value;
        return changed();
    }

    public TinyHfModel ropeScaling(ReferenceLlama.Llama3Scaling value) {
        ropeScaling = value;
        return changed();
    }

    public TinyHfModel tieWordEmbeddings(boolean value) {
        tieWordEmbeddings = value;
        return changed();
    }

    /** Sets Llama's attention_bias flag, which gives q, k, v and o projections biases. */
    public TinyHfModel attentionBias(boolean value) {
        attentionBias = value;
        return changed();
    }

    /** Sets Mistral's sliding_window: each query attends to this many keys, its own position included. */
    public TinyHfModel slidingWindow(int value) {
        slidingWindow = value;
        return changed();
    }

    /** Sets the dtype the weights are stored in. */
    public TinyHfModel dtype(TensorDtype value) {
        dtype = value;
        return changed();
    }

    /** Splits the weights over this many files with a model.safetensors.index.json. */
    public TinyHfModel shards(int value) {
        shards = value;
        return this;
    }

    /** Writes a generation_config.json with these end-of-sequence ids. */
    public TinyHfModel generationEosTokenIds(List<Integer> ids) {
        generationEosTokenIds = ids;
        return this;
    }

    public TinyHfModel seed(long value) {
        seed = value;
        return changed();
    }

    private TinyHfModel changed() {
        tensors = null;
        return this;
    }

    public int vocabSize() {
        return vocabSize;
    }

    public int headDim() {
        return headDim != null ? headDim : hiddenSize / numAttentionHeads;
    }

    /** Returns the settings the reference forward pass needs, derived from these settings, not from config.json. */
    public ReferenceLlama.Config referenceConfig() {
        boolean qkvBias = architecture.equals("Qwen2ForCausalLM") || attentionBias;
        boolean outputBias = !architecture.equals("Qwen2ForCausalLM") && attentionBias;
        ReferenceLlama.Variant variant = switch (architecture) {
            case "Qwen3ForCausalLM" -> ReferenceLlama.Variant.QWEN3;
            case "Phi3ForCausalLM" -> ReferenceLlama.Variant.PHI3;
            case "GemmaForCausalLM" -> ReferenceLlama.Variant.GEMMA;
            case "Gemma2ForCausalLM" -> ReferenceLlama.Variant.gemma2(queryPreAttnScalar(), attnLogitSoftcapping,
                    finalLogitSoftcapping);
            default -> ReferenceLlama.Variant.LLAMA;
        };
        return new ReferenceLlama.Config(hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
                numKeyValueHeads, headDim(), vocabSize, rmsNormEps, ropeTheta, ropeScaling, tieWordEmbeddings,
                qkvBias, outputBias, slidingWindow, variant);
    }

    private double queryPreAttnScalar() {
        return queryPreAttnScalar > 0 ? queryPreAttnScalar : headDim();
    }

    private boolean isGemma() {
        return modelType.startsWith("gemma");
    }

    /** Returns the reference forward pass over these weights. */
    public ReferenceLlama reference() {
        return new ReferenceLlama(referenceConfig(), weights());
    }

    /** Returns the tensors in file order, generated from the seed on first use and rounded to the dtype. */
    public Map<String, Tensor> tensors() {
        if (tensors == null) {
            tensors = generate();
        }
        return tensors;
    }

    /** Returns the tensor values by name. */
    public Map<String, float[]> weights() {
        Map<String, float[]> values = new LinkedHashMap<>();
        tensors().forEach((name, tensor) -> values.put(name, tensor.values()));
        return values;
    }

    private Map<String, Tensor> generate() {
        ReferenceLlama.Config config = referenceConfig();
        Random random = new Random(seed);
        long qSize = (long) numAttentionHeads * headDim();
        long kvSize = (long) numKeyValueHeads * headDim();
        double normMean = isGemma() ? 0 : 1;
        boolean fused = architecture.equals("Phi3ForCausalLM");
        Map<String, Tensor> result = new LinkedHashMap<>();
        result.put("model.embed_tokens.weight", random(random, 0, 0.5, vocabSize, hiddenSize));
        for (int layer = 0; layer < numHiddenLayers; layer++) {
            String prefix = "model.layers." + layer + ".";

            // Attention block, with Phi-3's q/k/v rows in one qkv_proj.
            result.put(prefix + "input_layernorm.weight", random(random, normMean, 0.1, hiddenSize));
            if (fused) {
                result.put(prefix + "self_attn.qkv_proj.weight",
                        random(random, 0, 0.2, qSize + 2 * kvSize, hiddenSize));
            } else {
                result.put(prefix + "self_attn.q_proj.weight", random(random, 0, 0.2, qSize, hiddenSize));
                result.put(prefix + "self_attn.k_proj.weight", random(random, 0, 0.2, kvSize, hiddenSize));
                result.put(prefix + "self_attn.v_proj.weight", random(random, 0, 0.2, kvSize, hiddenSize));
            }
            if (config.qkvBias()) {
                result.put(prefix + "self_attn.q_proj.bias", random(random, 0, 0.2, qSize));
                result.put(prefix + "self_attn.k_proj.bias", random(random, 0, 0.2, kvSize));
                result.put(prefix + "self_attn.v_proj.bias", random(random, 0, 0.2, kvSize));
            }
            if (config.variant().headNorms()) {
                result.put(prefix + "self_attn.q_norm.weight", random(random, 1, 0.1, headDim()));
                result.put(prefix + "self_attn.k_norm.weight", random(random, 1, 0.1, headDim()));
            }
            result.put(prefix + "self_attn.o_proj.weight", random(random, 0, 0.2, hiddenSize, qSize));
            if (config.outputBias()) {
                result.put(prefix + "self_attn.o_proj.bias", random(random, 0, 0.2, hiddenSize));
            }

            // MLP block, with Phi-3's gate/up rows in one gate_up_proj and Gemma 2's extra norms.
            result.put(prefix + "post_attention_layernorm.weight", random(random, normMean, 0.1, hiddenSize));
            if (config.variant().blockOutputNorms()) {
                result.put(prefix + "pre_feedforward_layernorm.weight", random(random, normMean, 0.1, hiddenSize));
            }
            if (fused) {
                result.put(prefix + "mlp.gate_up_proj.weight",
                        random(random, 0, 0.2, 2L * intermediateSize, hiddenSize));
            } else {
                result.put(prefix + "mlp.gate_proj.weight", random(random, 0, 0.2, intermediateSize, hiddenSize));
                result.put(prefix + "mlp.up_proj.weight", random(random, 0, 0.2, intermediateSize, hiddenSize));
            }
            result.put(prefix + "mlp.down_proj.weight", random(random, 0, 0.2, hiddenSize, intermediateSize));
            if (config.variant().blockOutputNorms()) {
                result.put(prefix + "post_feedforward_layernorm.weight", random(random, normMean, 0.1, hiddenSize));
            }
        }

        result.put("model.norm.weight", random(random, normMean, 0.1, hiddenSize));
        if (!tieWordEmbeddings) {
            result.put("lm_head.weight", random(random, 0, 0.2, vocabSize, hiddenSize));
        }
        return result;
    }

    private Tensor random(Random random, double mean, double deviation, long... shape) {
        long count = 1;
        for (long dimension : shape) {
            count *= dimension;
        }
        float[] values = new float[Math.toIntExact(count)];
        for (int i = 0; i < values.length; i++) {
            float value = (float) (mean + deviation * random.nextGaussian());
            values[i] = switch (dtype) {
                case F32 -> value;
                case F16 -> PrecisionRounding.toHalf(value);
                case BF16 -> PrecisionRounding.toBfloat16(value);
            };
        }
        return new Tensor(shape, values);
    }

    /** Returns config.json as written by {@link #write}, for tests that damage it. */
    public ObjectNode configJson() {
        ObjectNode json = JSON.createObjectNode();
        json.putArray("architectures").add(architecture);
        json.put("model_type", modelType);
        json.put("hidden_size", hiddenSize);
        json.put("intermediate_size", intermediateSize);
        json.put("num_hidden_layers", numHiddenLayers);
        json.put("num_attention_heads", numAttentionHeads);
        json.put("num_key_value_heads", numKeyValueHeads);
        if (headDim != null) {
            json.put("head_dim", headDim);
        }
        json.put("vocab_size", vocabSize);
        json.put("max_position_embeddings", 128);
        json.put("rms_norm_eps", rmsNormEps);
        json.put("rope_theta", ropeTheta);
        if (ropeScaling == null) {
            json.putNull("rope_scaling");
        } else {
            ObjectNode scaling = json.putObject("rope_scaling");
            scaling.put("rope_type", "llama3");
            scaling.put("factor", ropeScaling.factor());
            scaling.put("low_freq_factor", ropeScaling.lowFreqFactor());
            scaling.put("high_freq_factor", ropeScaling.highFreqFactor());
            scaling.put("original_max_position_embeddings", ropeScaling.originalMaxPositionEmbeddings());
        }
        json.put("tie_word_embeddings", tieWordEmbeddings);
        switch (architecture) {
            case "LlamaForCausalLM" -> json.put("attention_bias", attentionBias);
            case "MistralForCausalLM", "Phi3ForCausalLM" -> {
                if (slidingWindow > 0) {
                    json.put("sliding_window", slidingWindow);
                } else {
                    json.putNull("sliding_window");
                }
            }
            case "Qwen2ForCausalLM" -> {
                json.put("use_sliding_window", false);
                json.put("sliding_window", 4096);
            }
            case "Qwen3ForCausalLM" -> {
                json.put("attention_bias", attentionBias);
                json.put("use_sliding_window", false);
                json.put("sliding_window", 4096);
                json.put("max_window_layers", 28);
            }
            case "GemmaForCausalLM" -> json.put("attention_bias", attentionBias);
            case "Gemma2ForCausalLM" -> {
                json.put("attention_bias", attentionBias);
                json.put("sliding_window", slidingWindow);
                json.put("query_pre_attn_scalar", queryPreAttnScalar());
                putCap(json, "attn_logit_softcapping", attnLogitSoftcapping);
                putCap(json, "final_logit_softcapping", finalLogitSoftcapping);
            }
            default -> throw new IllegalStateException("no config.json fields for " + architecture);
        }
        if (isGemma()) {
            json.put("hidden_act", "gelu_pytorch_tanh");
            json.put("hidden_activation", "gelu_pytorch_tanh");
        } else {
            json.put("hidden_act", "silu");
        }
        json.put("bos_token_id", 1);
        json.put("eos_token_id", 2);
        String torchDtype = switch (dtype) {
            case F32 -> "float32";
            case F16 -> "float16";
            case BF16 -> "bfloat16";
        };
        json.put("torch_dtype", torchDtype);
        return json;
    }

    private static void putCap(ObjectNode json, String field, double cap) {
        if (cap > 0) {
            json.put(field, cap);
        } else {
            json.putNull(field);
        }
    }

    /** Writes config.json, generation_config.json when set, and the weights into {@code folder}. */
    public Path write(Path folder) throws IOException {
        Files.createDirectories(folder);
        writeConfig(folder, configJson());
        if (generationEosTokenIds != null) {
            ObjectNode generation = JSON.createObjectNode();
            generation.put("bos_token_id", 1);
            generationEosTokenIds.forEach(generation.putArray("eos_token_id")::add);
            JSON.writeValue(folder.resolve("generation_config.json").toFile(), generation);
        }
        writeWeights(folder, tensors());
        return folder;
    }

    /** Writes a config.json, for tests that change fields of {@link #configJson}. */
    public static void writeConfig(Path folder, ObjectNode config) throws IOException {
        Files.createDirectories(folder);
        JSON.writeValue(folder.resolve("config.json").toFile(), config);
    }

    /**
     * Writes tensors as model.safetensors, or as consecutive groups in model-0000i-of-0000n.safetensors with
     * a model.safetensors.index.json when more than one shard is set.
     */
    public void writeWeights(Path folder, Map<String, Tensor> weights) throws IOException {
        if (shards == 1) {
            writeFile(folder.resolve("model.safetensors"), weights);
            return;
        }
        List<String> names = new ArrayList<>(weights.keySet());
        ObjectNode index = JSON.createObjectNode();
        ObjectNode weightMap = JSON.createObjectNode();
        long totalBytes = 0;
        for (int shard = 0; shard < shards; shard++) {
            String fileName = String.format("model-%05d-of-%05d.safetensors", shard + 1, shards);
            Map<String, Tensor> part = new LinkedHashMap<>();
            for (int i = shard * names.size() / shards; i < (shard + 1) * names.size() / shards; i++) {
                part.put(names.get(i), weights.get(names.get(i)));
                weightMap.put(names.get(i), fileName);
                totalBytes += (long) weights.get(names.get(i)).values().length * dtype.bytes();
            }
            writeFile(folder.resolve(fileName), part);
        }
        index.putObject("metadata").put("total_size", totalBytes);
        index.set("weight_map", weightMap);
        JSON.writeValue(folder.resolve("model.safetensors.index.json").toFile(), index);
    }

    private void writeFile(Path file, Map<String, Tensor> weights) throws IOException {
        SafetensorsWriter writer = new SafetensorsWriter();
        weights.forEach((name, tensor) -> writer.add(name, dtype, tensor.shape(), tensor.values()));
        writer.write(file);
    }
}
