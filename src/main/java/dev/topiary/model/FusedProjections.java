package dev.topiary.model;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Projections that a checkpoint stores fused: Phi-3 keeps q_proj, k_proj and v_proj as the rows of one
 * {@code qkv_proj}, and gate_proj and up_proj as the rows of one {@code gate_up_proj}, gate first, as
 * transformers' Phi3MLP chunks it. Topiary splits them when it opens a checkpoint, so the engine, pruning and
 * activation capture see the separate tensors of every other architecture, and fuses them again when it writes
 * a folder.
 */
public final class FusedProjections {

    private static final String LAYER_PREFIX = "model.layers.";

    /** Per fused tensor suffix, the separate suffixes whose rows it concatenates, in row order. */
    private static final Map<String, List<String>> PHI3_PARTS = new LinkedHashMap<>();

    static {
        PHI3_PARTS.put(WeightNames.QKV_PROJ, List.of(WeightNames.Q_PROJ, WeightNames.K_PROJ, WeightNames.V_PROJ));
        PHI3_PARTS.put(WeightNames.GATE_UP_PROJ, List.of(WeightNames.GATE_PROJ, WeightNames.UP_PROJ));
    }

    /**
     * The position of a separate tensor inside a fused one.
     *
     * @param fusedName the full name of the fused tensor
     * @param firstRow the fused tensor's row that is the part's row 0
     * @param rows the part's number of rows
     */
    public record Part(String fusedName, long firstRow, long rows) {}

    private FusedProjections() {}

    /** Returns where a tensor of the {@link WeightLayout#expected} layout is stored, or null when not fused. */
    public static Part partOf(ModelConfig config, String name) {
        if (!config.architecture().fusesProjections() || !name.startsWith(LAYER_PREFIX)) {
            return null;
        }
        int dot = name.indexOf('.', LAYER_PREFIX.length());
        int layer = Integer.parseInt(name.substring(LAYER_PREFIX.length(), dot));
        String suffix = name.substring(dot + 1);
        for (Map.Entry<String, List<String>> fused : PHI3_PARTS.entrySet()) {
            long firstRow = 0;
            for (String part : fused.getValue()) {
                if (part.equals(suffix)) {
                    return new Part(WeightNames.layer(layer, fused.getKey()), firstRow, rowsOf(config, part));
                }
                firstRow += rowsOf(config, part);
            }
        }
        return null;
    }

    /** Returns the names of the parts of a fused tensor in row order, or an empty list when the name is not fused. */
    public static List<String> partsOf(ModelConfig config, String storedName) {
        if (!config.architecture().fusesProjections() || !storedName.startsWith(LAYER_PREFIX)) {
            return List.of();
        }
        int dot = storedName.indexOf('.', LAYER_PREFIX.length());
        int layer = Integer.parseInt(storedName.substring(LAYER_PREFIX.length(), dot));
        List<String> suffixes = PHI3_PARTS.getOrDefault(storedName.substring(dot + 1), List.of());
        return suffixes.stream().map(suffix -> WeightNames.layer(layer, suffix)).toList();
    }

    /** Returns the shape of a fused tensor: its parts' rows added up, by D columns. */
    static long[] fusedShape(ModelConfig config, String fusedName) {
        long rows = 0;
        for (String part : partsOf(config, fusedName)) {
            rows += rowsOf(config, part.substring(part.indexOf('.', LAYER_PREFIX.length()) + 1));
        }
        return new long[] {rows, config.hiddenSize()};
    }

    private static long rowsOf(ModelConfig config, String suffix) {
        return switch (suffix) {
            case WeightNames.Q_PROJ -> (long) config.numAttentionHeads() * config.headDim();
            case WeightNames.K_PROJ, WeightNames.V_PROJ -> (long) config.numKeyValueHeads() * config.headDim();
            case WeightNames.GATE_PROJ, WeightNames.UP_PROJ -> config.intermediateSize();
            default -> throw new IllegalArgumentException("'" + suffix + "' is not part of a fused projection");
        };
    }

    /**
     * Returns the tensors of a checkpoint in the {@link WeightLayout#stored} layout under the names of
     * {@link WeightLayout#expected}: {@code stored} itself unless the architecture fuses projections.
     */
    public static TensorSource split(ModelConfig config, TensorSource stored) {
        return config.architecture().fusesProjections() ? new SplitTensors(config, stored) : stored;
    }

    /**
     * Reads one tensor of the {@link WeightLayout#stored} layout from tensors under the separate names, joining
     * the rows of its parts when it is a fused tensor.
     */
    public static float[] readStored(ModelConfig config, TensorSource separate, String storedName)
            throws ModelFormatException {
        List<String> parts = partsOf(config, storedName);
        if (parts.isEmpty()) {
            return separate.read(storedName);
        }
        float[][] values = new float[parts.size()][];
        int total = 0;
        for (int i = 0; i < parts.size(); i++) {
            values[i] = separate.read(parts.get(i));
            total += values[i].length;
        }
        float[] joined = new float[total];
        int offset = 0;
        for (float[] part : values) {
            System.arraycopy(part, 0, joined, offset, part.length);
            offset += part.length;
        }
        return joined;
    }

    /** A checkpoint's tensors with each fused tensor presented as its separate parts. */
    private static final class SplitTensors implements TensorSource {
        private final ModelConfig config;
        private final TensorSource stored;
        private final Set<String> names = new LinkedHashSet<>();
        // The last fused tensor read, because its parts are read one after another.
        private String cachedName;
        private float[] cachedValues;

        SplitTensors(ModelConfig config, TensorSource stored) {
            this.config = config;
            this.stored = stored;
            for (String name : stored.names()) {
                List<String> parts = partsOf(config, name);
                if (parts.isEmpty()) {
                    names.add(name);
                } else {
                    names.addAll(parts);
                }
            }
        }

        @Override
        public Set<String> names() {
            return names;
        }

        @Override
        public long[] shape(String name) {
            Part part = partOf(config, name);
            return part == null ? stored.shape(name) : new long[] {part.rows(), stored.shape(part.fusedName())[1]};
        }

        @Override
        public Path fileOf(String name) {
            Part part = partOf(config, name);
            return stored.fileOf(part == null ? name : part.fusedName());
        }

        @Override
        public String dtypeOf(String name) {
            Part part = partOf(config, name);
            return stored.dtypeOf(part == null ? name : part.fusedName());
        }

        @Override
        public float[] read(String name) throws ModelFormatException {
            Part part = partOf(config, name);
            if (part == null) {
                return stored.read(name);
            }
            if (!part.fusedName().equals(cachedName)) {
                cachedValues = stored.read(part.fusedName());
                cachedName = part.fusedName();
            }
            int columns = Math.toIntExact(stored.shape(part.fusedName())[1]);
            int from = Math.toIntExact(part.firstRow() * columns);
            int length = Math.toIntExact(part.rows() * columns);
            float[] rows = new float[length];
            System.arraycopy(cachedValues, from, rows, 0, length);
            return rows;
        }

        @Override
        public void close() {
            cachedValues = null;
            stored.close();
        }
    }
}
