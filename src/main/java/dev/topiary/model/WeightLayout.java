package dev.topiary.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tensor names and shapes a {@link ModelConfig} implies, and the check that a checkpoint matches them
 * before any weight is read.
 */
public final class WeightLayout {

    private WeightLayout() {}

    /** Returns every expected tensor name with its shape, in load order. */
    public static Map<String, long[]> expected(ModelConfig config) {
        long d = config.hiddenSize();
        long f = config.intermediateSize();
        long qSize = (long) config.numAttentionHeads() * config.headDim();
        long kvSize = (long) config.numKeyValueHeads() * config.headDim();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put(WeightNames.EMBED_TOKENS, new long[] {config.vocabSize(), d});
        for (int layer = 0; layer < config.numHiddenLayers(); layer++) {
            shapes.put(WeightNames.layer(layer, WeightNames.INPUT_NORM), new long[] {d});
            shapes.put(WeightNames.layer(layer, WeightNames.Q_PROJ), new long[] {qSize, d});
            shapes.put(WeightNames.layer(layer, WeightNames.K_PROJ), new long[] {kvSize, d});
            shapes.put(WeightNames.layer(layer, WeightNames.V_PROJ), new long[] {kvSize, d});
            if (config.attentionBias()) {
                shapes.put(WeightNames.layer(layer, WeightNames.Q_BIAS), new long[] {qSize});
                shapes.put(WeightNames.layer(layer, WeightNames.K_BIAS), new long[] {kvSize});
                shapes.put(WeightNames.layer(layer, WeightNames.V_BIAS), new long[] {kvSize});
            }
            shapes.put(WeightNames.layer(layer, WeightNames.O_PROJ), new long[] {d, qSize});
            if (config.attentionOutputBias()) {
                shapes.put(WeightNames.layer(layer, WeightNames.O_BIAS), new long[] {d});
            }
            shapes.put(WeightNames.layer(layer, WeightNames.POST_ATTENTION_NORM), new long[] {d});
            shapes.put(WeightNames.layer(layer, WeightNames.GATE_PROJ), new long[] {f, d});
            shapes.put(WeightNames.layer(layer, WeightNames.UP_PROJ), new long[] {f, d});
            shapes.put(WeightNames.layer(layer, WeightNames.DOWN_PROJ), new long[] {d, f});
        }
        shapes.put(WeightNames.FINAL_NORM, new long[] {d});
        if (!config.tieWordEmbeddings()) {
            shapes.put(WeightNames.LM_HEAD, new long[] {config.vocabSize(), d});
        }
        return shapes;
    }

    /**
     * Checks that every expected tensor is present with the expected shape.
     *
     * @param configFile the file the dimensions came from, named in the message when shapes disagree
     */
    public static void validate(ModelConfig config, TensorSource tensors, java.nio.file.Path configFile)
            throws ModelFormatException {
        for (Map.Entry<String, long[]> entry : expected(config).entrySet()) {
            String name = entry.getKey();
            if (!tensors.names().contains(name)) {
                throw new ModelFormatException(configFile, "tensor '" + name + "' is missing from the checkpoint, "
                        + "but a " + config.architecture().hfClassName() + " with these settings needs it. "
                        + "Check that every weight file of the model was downloaded.");
            }
            long[] found = tensors.shape(name);
            if (!Arrays.equals(found, entry.getValue())) {
                throw new ModelFormatException(tensors.fileOf(name), "tensor '" + name + "' has shape "
                        + Arrays.toString(found) + " but " + configFile.getFileName() + " implies "
                        + Arrays.toString(entry.getValue()) + " (hidden_size=" + config.hiddenSize()
                        + ", intermediate_size=" + config.intermediateSize() + ", num_attention_heads="
                        + config.numAttentionHeads() + ", num_key_value_heads=" + config.numKeyValueHeads()
                        + ", head_dim=" + config.headDim() + ", vocab_size=" + config.vocabSize()
                        + "). The config and the weights belong to different models.");
            }
        }
    }
}
