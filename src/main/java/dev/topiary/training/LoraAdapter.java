package dev.topiary.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import dev.topiary.engine.Scalars;
import dev.topiary.engine.TensorEngine;
import dev.topiary.model.Checkpoint;
import dev.topiary.model.LanguageModel;
import dev.topiary.model.ModelConfig;
import dev.topiary.model.ModelFormatException;
import dev.topiary.model.Projection;
import dev.topiary.model.ProjectionAdapter;
import dev.topiary.model.TensorSource;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * LoRA adapters for every layer of one model: for each targeted projection, {@code A} [r, in] and {@code B}
 * [out, r], adding {@code scale * B (A dropout(x))} to the projection's output. The arrays are named as PEFT saves
 * them, such as {@code base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight}. Create, attach and use it on
 * the engine thread.
 */
public final class LoraAdapter implements ProjectionAdapter, AutoCloseable {

    private static final String PEFT_PREFIX = "base_model.model.";

    private final LoraConfig config;
    private final ModelConfig modelConfig;
    private final NDManager manager;
    private final NDArray[][] down; // A per [layer][projection], [r, in], or null when not targeted
    private final NDArray[][] up; // B per [layer][projection], [out, r]
    private final Map<String, NDArray> arrays = new LinkedHashMap<>();
    private final float scale;
    private boolean training;

    private LoraAdapter(LanguageModel model, LoraConfig config) {
        checkRank(model.config(), config);
        this.config = config;
        this.modelConfig = model.config();
        this.manager = model.manager().newSubManager();
        int layers = modelConfig.numHiddenLayers();
        this.down = new NDArray[layers][Projection.values().length];
        this.up = new NDArray[layers][Projection.values().length];
        this.scale = (float) config.scale();
    }

    /**
     * Creates untrained adapters: {@code A} drawn uniformly from {@code [-1/sqrt(in), 1/sqrt(in)]} (the bound of
     * PEFT's Kaiming-uniform initialisation with {@code a = sqrt(5)}) from a seeded Java random generator, and
     * {@code B} zero, so the adapted model computes exactly what the base model does until B trains.
     */
    public static LoraAdapter create(LanguageModel model, LoraConfig config, long seed) {
        LoraAdapter adapter = new LoraAdapter(model, config);
        Random random = new Random(seed);
        for (int layer = 0; layer < adapter.modelConfig.numHiddenLayers(); layer++) {
            for (Projection projection : config.targets()) {
                int in = projection.inputSize(adapter.modelConfig);
                int out = projection.outputSize(adapter.modelConfig);
                float bound = (float) (1 / Math.sqrt(in));
                float[] a = new float[config.rank() * in];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (random.nextFloat() * 2 - 1) * bound;
                }
                adapter.put(layer, projection, a, new float[out * config.rank()]);
            }
        }
        return adapter;
    }

    /**
     * Creates adapters from saved tensors under PEFT's names.
     *
     * @param source the file named in errors
     */
    static LoraAdapter fromTensors(LanguageModel model, LoraConfig config, Map<String, float[]> tensors, Path source)
            throws ModelFormatException {
        LoraAdapter adapter = new LoraAdapter(model, config);
        for (int layer = 0; layer < adapter.modelConfig.numHiddenLayers(); layer++) {
            for (Projection projection : config.targets()) {
                float[] a = tensors.get(downName(layer, projection));
                float[] b = tensors.get(upName(layer, projection));
                if (a == null || b == null) {
                    adapter.close();
                    throw new ModelFormatException(source, "has no " + (a == null ? downName(layer, projection)
                            : upName(layer, projection)) + ", but adapter_config.json targets "
                            + projection.moduleName() + " and the model has " + adapter.modelConfig.numHiddenLayers()
                            + " layers. The adapter belongs to another model.");
                }
                adapter.put(layer, projection, a, b);
            }
        }
        return adapter;
    }

    /** Rejects a rank above a targeted projection's input or output width, where LoRA is no longer low-rank. */
    static void checkRank(ModelConfig modelConfig, LoraConfig config) {
        for (Projection projection : config.targets()) {
            int in = projection.inputSize(modelConfig);
            int out = projection.outputSize(modelConfig);
            if (config.rank() > Math.min(in, out)) {
                throw new IllegalArgumentException("LoRA rank " + config.rank() + " is larger than "
                        + projection.moduleName() + ", which maps " + in + " inputs to " + out + " outputs; a rank "
                        + "must be at most the smaller of the two (" + Math.min(in, out) + "). Lower --rank or "
                        + "leave " + projection.moduleName() + " out of the targets.");
            }
        }
    }

    private void put(int layer, Projection projection, float[] a, float[] b) {
        int in = projection.inputSize(modelConfig);
        int out = projection.outputSize(modelConfig);
        int rank = config.rank();
        NDArray downArray = manager.create(a, new Shape(rank, in));
        NDArray upArray = manager.create(b, new Shape(out, rank));
        NDScope.unregister(downArray, upArray);
        down[layer][projection.ordinal()] = downArray;
        up[layer][projection.ordinal()] = upArray;
        arrays.put(downName(layer, projection), downArray);
        arrays.put(upName(layer, projection), upArray);
    }

    /** Returns PEFT's name of the A matrix of one adapter. */
    public static String downName(int layer, Projection projection) {
        return PEFT_PREFIX + projection.modulePath(layer) + ".lora_A.weight";
    }

    /** Returns PEFT's name of the B matrix of one adapter. */
    public static String upName(int layer, Projection projection) {
        return PEFT_PREFIX + projection.modulePath(layer) + ".lora_B.weight";
    }

    @Override
    public NDArray delta(int layer, Projection projection, NDArray input) {
        NDArray a = down[layer][projection.ordinal()];
        if (a == null) {
            return null;
        }
        NDArray x = training && config.dropout() > 0
                ? Dropout.dropout(input, (float) config.dropout(), true).singletonOrThrow()
                : input;
        NDArray low = Linear.linear(x, a).singletonOrThrow(); // [B, T, in] -> [B, T, r]
        NDArray high = Linear.linear(low, up[layer][projection.ordinal()]).singletonOrThrow(); // [B, T, out]
        return high.mul(Scalars.of(manager, scale));
    }

    /** Sets whether dropout is applied, as during training; evaluation and inference leave it off. */
    public void setTraining(boolean training) {
        this.training = training;
    }

    /** Adds the adapters to every later forward pass of the model. */
    public void attachTo(LanguageModel model) {
        model.transformer().setAdapter(this);
    }

    /** Returns the A and B arrays by PEFT name. */
    public Map<String, NDArray> arrays() {
        return Collections.unmodifiableMap(arrays);
    }

    public LoraConfig config() {
        return config;
    }

    /** Returns {@code scale * B A}, [out, in], what merging adds to a projection's weight. */
    float[] mergedDelta(int layer, Projection projection) {
        try (NDScope scope = new NDScope()) {
            NDArray a = down[layer][projection.ordinal()];
            return up[layer][projection.ordinal()].matMul(a).mul(scale).toFloatArray();
        }
    }

    /**
     * Returns the model with the adapters merged into its weights, {@code W + scale * B A}, as a checkpoint whose
     * tensors are read from the device on demand, for {@code HfFolderWriter}.
     */
    public Checkpoint mergedCheckpoint(TensorEngine engine, LanguageModel model) {
        Checkpoint base = model.asCheckpoint();
        Map<String, int[]> targeted = new LinkedHashMap<>();
        for (int layer = 0; layer < modelConfig.numHiddenLayers(); layer++) {
            for (Projection projection : config.targets()) {
                targeted.put(projection.weightName(layer), new int[] {layer, projection.ordinal()});
            }
        }
        TensorSource tensors = new TensorSource() {
            @Override
            public Set<String> names() {
                return base.tensors().names();
            }

            @Override
            public long[] shape(String name) {
                return base.tensors().shape(name);
            }

            @Override
            public Path fileOf(String name) {
                return base.tensors().fileOf(name);
            }

            @Override
            public String dtypeOf(String name) {
                return "F32";
            }

            @Override
            public float[] read(String name) throws ModelFormatException {
                float[] weight = base.tensors().read(name);
                int[] where = targeted.get(name);
                if (where == null) {
                    return weight;
                }
                float[] delta = engine.call(root -> mergedDelta(where[0], Projection.values()[where[1]]));
                for (int i = 0; i < weight.length; i++) {
                    weight[i] += delta[i];
                }
                return weight;
            }

            @Override
            public void close() {
                base.close();
            }
        };
        return new Checkpoint(base.source(), base.format() + ", LoRA merged", modelConfig, tensors,
                base.tokenizer(), base.tokenizerFile());
    }

    /** Frees the adapter arrays; detach the adapter from its model first. */
    @Override
    public void close() {
        manager.close();
    }
}
