package dev.topiary.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tensor names and shapes a {@link ModelConfig} implies, and the check that a checkpoint matches them
 * before any weight is read.
 *
 * <p>{@link #expected} is the layout the engine, pruning and export work with: separate q, k, v, gate and up
 * projections in every architecture. {@link #stored} is the layout of the checkpoint files, which differs only
 * where an architecture fuses projections ({@link FusedProjections}).
 */
public final class WeightLayout {

    private WeightLayout() {}

    /** Returns every tensor name the engine reads, with its shape, in load order. */
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
            if (config.architecture().normalizesQueriesAndKeys()) {
                shapes.put(WeightNames.layer(layer, WeightNames.Q_NORM), new long[] {config.headDim()});
                shapes.put(WeightNames.layer(layer, WeightNames.K_NORM), new long[] {config.headDim()});
            }
            shapes.put(WeightNames.layer(layer, WeightNames.O_PROJ), new long[] {d, qSize});
            if (config.attentionOutputBias()) {
                shapes.put(WeightNames.layer(layer, WeightNames.O_BIAS), new long[] {d});
            }
            shapes.put(WeightNames.layer(layer, WeightNames.POST_ATTENTION_NORM), new long[] {d});
            if (config.architecture().normalizesBlockOutputs()) {
                shapes.put(WeightNames.layer(layer, WeightNames.PRE_FEEDFORWARD_NORM), new long[] {d});
            }
            shapes.put(WeightNames.layer(layer, WeightNames.GATE_PROJ), new long[] {f, d});
            shapes.put(WeightNames.layer(layer, WeightNames.UP_PROJ), new long[] {f, d});
            shapes.put(WeightNames.layer(layer, WeightNames.DOWN_PROJ), new long[] {d, f});
            if (config.architecture().normalizesBlockOutputs()) {
                shapes.put(WeightNames.layer(layer, WeightNames.POST_FEEDFORWARD_NORM), new long[] {d});
            }
        }
        shapes.put(WeightNames.FINAL_NORM, new long[] {d});
        if (!config.tieWordEmbeddings()) {
            shapes.put(WeightNames.LM_HEAD, new long[] {config.vocabSize(), d});
        }
        return shapes;
    }

    /**
     * Returns every tensor name with its shape as the checkpoint files store them: {@link #expected}, with each
     * group of fused projections replaced by the one tensor that contains their rows, at the place of its first part.
     */
    public static Map<String, long[]> stored(ModelConfig config) {
        Map<String, long[]> expected = expected(config);
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> entry : expected.entrySet()) {
            FusedProjections.Part part = FusedProjections.partOf(config, entry.getKey());
            if (part == null) {
                shapes.put(entry.getKey(), entry.getValue());
            } else if (part.firstRow() == 0) {
                shapes.put(part.fusedName(), FusedProjections.fusedShape(config, part.fusedName()));
            }
        }
        return shapes;
    }

    /**
     * Checks that every tensor of the {@link #stored} layout is present in the checkpoint with its shape.
     *
     * @param configFile the file the dimensions came from, named in the message when shapes disagree
     */
    public static void validate(ModelConfig config, TensorSource tensors, java.nio.file.Path configFile)
            throws ModelFormatException {
        for (Map.Entry<String, long[]> entry : stored(config).entrySet()) {
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
