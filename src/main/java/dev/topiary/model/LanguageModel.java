package dev.topiary.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.topiary.engine.ComputeDtype;
import dev.topiary.engine.TensorEngine;
import dev.topiary.model.tokenizer.TextTokenizer;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model on the device, ready to run: its config, tokenizer and {@link Transformer}. Run it on the engine
 * thread; {@link #load} and {@link #close} hand their work to that thread themselves.
 */
public final class LanguageModel implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LanguageModel.class);

    private final Path source;
    private final String name;
    private final String format;
    private final String fileDtype;
    private final ModelConfig config;
    private final TextTokenizer tokenizer;
    private final Path tokenizerFile;
    private final Transformer transformer;
    private final NDManager manager;
    private final TensorEngine engine;
    private final DataType dataType;

    private LanguageModel(Checkpoint checkpoint, Transformer transformer, NDManager manager, TensorEngine engine,
            DataType dataType) {
        this.source = checkpoint.source();
        this.name = checkpoint.name();
        this.format = checkpoint.format();
        this.fileDtype = checkpoint.fileDtype();
        this.config = checkpoint.config();
        this.tokenizer = checkpoint.tokenizer();
        this.tokenizerFile = checkpoint.tokenizerFile();
        this.transformer = transformer;
        this.manager = manager;
        this.engine = engine;
        this.dataType = dataType;
    }

    /**
     * Opens a checkpoint and copies its weights to the engine's device in the dtype the {@value
     * ComputeDtype#PROPERTY} system property requests, or the device's default.
     */
    public static LanguageModel load(TensorEngine engine, Path path, Path tokenizer) throws ModelFormatException {
        return load(engine, path, tokenizer, ComputeDtype.fromSystemProperty());
    }

    /** Opens a checkpoint and copies its weights to the engine's device in the requested dtype. */
    public static LanguageModel load(TensorEngine engine, Path path, Path tokenizer, ComputeDtype dtype)
            throws ModelFormatException {
        try (Checkpoint checkpoint = ModelLoader.open(path, tokenizer)) {
            return load(engine, checkpoint, dtype);
        }
    }

    /** Copies an open checkpoint's weights to the engine's device; the caller still closes the checkpoint. */
    public static LanguageModel load(TensorEngine engine, Checkpoint checkpoint) throws ModelFormatException {
        return load(engine, checkpoint, ComputeDtype.fromSystemProperty());
    }

    /**
     * Copies an open checkpoint's weights to the engine's device in the requested dtype; the caller still closes
     * the checkpoint. Weights are read as float32 and rounded to float16 on the device when that is the dtype.
     */
    public static LanguageModel load(TensorEngine engine, Checkpoint checkpoint, ComputeDtype dtype)
            throws ModelFormatException {
        DataType dataType = engine.dataType(dtype);
        checkMemory(engine, checkpoint, dataType);
        long started = System.nanoTime();
        LanguageModel model = engine.call(root -> upload(engine, checkpoint, root, dataType),
                ModelFormatException.class);
        log.info("Loaded {} ({} parameters) on {} as {} (requested {}) in {} ms", checkpoint.name(),
                checkpoint.config().parameterCount(), engine.deviceName(), ComputeDtype.name(dataType), dtype,
                (System.nanoTime() - started) / 1_000_000);
        return model;
    }

    /**
     * Rejects a model whose estimated inference memory (weights, a full-context KV cache for one sequence, and
     * one layer's working set) exceeds the device's free memory, before anything is allocated. Setting
     * {@code topiary.skipMemoryCheck=true} skips the check.
     */
    private static void checkMemory(TensorEngine engine, Checkpoint checkpoint, DataType dataType)
            throws ModelFormatException {
        if (Boolean.getBoolean("topiary.skipMemoryCheck")) {
            return;
        }
        ModelConfig config = checkpoint.config();
        int sequence = dev.topiary.library.MemoryEstimate.checkSequence(config);
        long needed = dev.topiary.library.MemoryEstimate.of(config, dataType.getNumOfBytes(), 1, sequence)
                .inference();
        long free = engine.freeDeviceBytes();
        if (needed > free) {
            throw new ModelFormatException(checkpoint.source(), "needs about "
                    + dev.topiary.library.MemoryEstimate.format(needed) + " on " + engine.deviceName() + " ("
                    + config.parameterCount() + " parameters as " + ComputeDtype.name(dataType) + ", plus a " + sequence
                    + "-token KV cache), but only " + dev.topiary.library.MemoryEstimate.format(free) + " is free. "
                    + "Close other programs, use a machine with more memory, or prune the model first.");
        }
    }

    private static LanguageModel upload(TensorEngine engine, Checkpoint checkpoint, NDManager root,
            DataType dataType) throws ModelFormatException {
        NDManager manager = root.newSubManager();
        try {
            WeightReader reader = name -> {
                float[] values = checkpoint.tensors().read(name);
                NDArray array = manager.create(values, new Shape(checkpoint.tensors().shape(name)));
                if (dataType == DataType.FLOAT32) {
                    return array;
                }
                // PyTorch rounds to nearest even; the float32 copy lives only until the cast is done.
                NDArray converted = array.toType(dataType, false);
                array.close();
                return converted;
            };
            Transformer transformer = new Transformer(checkpoint.config(), reader, manager);
            return new LanguageModel(checkpoint, transformer, manager, engine, dataType);
        } catch (ModelFormatException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Reads one named weight onto the device. */
    @FunctionalInterface
    interface WeightReader {
        NDArray read(String name) throws ModelFormatException;
    }

    public Path source() {
        return source;
    }

    public String name() {
        return name;
    }

    public String format() {
        return format;
    }

    /** Returns the dtype of the weights in the file, such as "F32" or "BF16". */
    public String fileDtype() {
        return fileDtype;
    }

    public ModelConfig config() {
        return config;
    }

    /** Returns the dtype the weights are held in on the device and the forward pass computes in. */
    public DataType dataType() {
        return dataType;
    }

    /** Returns the tokenizer, or null when the model folder has none. */
    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    /** Returns the file the tokenizer was read from, or null. */
    public Path tokenizerFile() {
        return tokenizerFile;
    }

    /**
     * Returns this model as a checkpoint whose tensors are read from the device when asked for, under the names of
     * {@link WeightLayout#expected}, so {@code HfFolderWriter} can write the weights as they are now, for example
     * after training. A tied model has no {@code lm_head.weight}. Reads may come from any thread; they run on the
     * engine thread. Closing the checkpoint leaves the model open.
     */
    public Checkpoint asCheckpoint() {
        java.util.Map<String, long[]> shapes = WeightLayout.expected(config);
        TensorSource tensors = new TensorSource() {
            @Override
            public java.util.Set<String> names() {
                return shapes.keySet();
            }

            @Override
            public long[] shape(String tensor) {
                return shapes.get(tensor).clone();
            }

            @Override
            public Path fileOf(String tensor) {
                return source;
            }

            @Override
            public String dtypeOf(String tensor) {
                return "F32";
            }

            @Override
            public float[] read(String tensor) {
                return engine.call(root -> transformer.readWeight(tensor));
            }

            @Override
            public void close() {
                // The arrays belong to the model.
            }
        };
        return new Checkpoint(source, format, config, tensors, tokenizer, tokenizerFile);
    }

    public Transformer transformer() {
        return transformer;
    }

    /** Returns the manager that owns the weights; per-run arrays use sub-managers of it. */
    public NDManager manager() {
        return manager;
    }

    public String deviceName() {
        return engine.deviceName();
    }

    /** Frees the weights; safe to call from any thread because the work is handed to the engine thread. */
    @Override
    public void close() {
        engine.call(root -> {
            manager.close();
            return null;
        });
    }
}
