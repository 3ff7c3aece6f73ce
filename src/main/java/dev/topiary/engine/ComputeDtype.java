package dev.topiary.engine;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dtype a model's weights and activations are held in on the device, as requested by the user.
 *
 * <p>{@link #AUTO} computes in float16 on a CUDA GPU and in float32 on the CPU. A request for bfloat16 is accepted
 * and computed in float16, because DJL 0.33's PyTorch engine aborts the JVM on any bfloat16 array. Steps that lose
 * precision in half floats (RMSNorm statistics, the attention softmax, the returned logits) run in float32 whatever
 * the dtype; see {@code Transformer}.
 */
public enum ComputeDtype {
    AUTO("auto"),
    FLOAT32("float32"),
    FLOAT16("float16");

    /** The system property that sets the dtype when neither the command line, the window nor models.cfg does. */
    public static final String PROPERTY = "topiary.dtype";

    /** The values {@link #parse} accepts, for help text and error messages. */
    public static final String VALID_VALUES = "auto, float32 (f32), float16 (f16, half) or bfloat16 (bf16)";

    private static final Logger log = LoggerFactory.getLogger(ComputeDtype.class);

    private final String label;

    ComputeDtype(String label) {
        this.label = label;
    }

    /** Returns the name users type, such as "float16". */
    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }

    /**
     * Parses a dtype request, ignoring case and surrounding spaces. A bfloat16 request maps to {@link #FLOAT16}
     * and logs a warning.
     *
     * @param origin where the value was written, such as "--dtype" or "models.cfg entry [tiny]", for messages
     * @throws IllegalArgumentException naming the value, its origin and the valid values
     */
    public static ComputeDtype parse(String value, String origin) {
        String request = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        switch (request) {
            case "auto":
                return AUTO;
            case "float32":
            case "f32":
            case "fp32":
                return FLOAT32;
            case "float16":
            case "f16":
            case "fp16":
            case "half":
                return FLOAT16;
            case "bfloat16":
            case "bf16":
                log.warn("{} requests bfloat16: computing in float16 instead, because DJL's PyTorch engine cannot "
                        + "hold bfloat16 arrays", origin);
                return FLOAT16;
            default:
                throw new IllegalArgumentException("Invalid dtype '" + value + "' in " + origin + ": use "
                        + VALID_VALUES + ".");
        }
    }

    /** Returns the dtype the {@value #PROPERTY} system property requests, or {@link #AUTO} when it is not set. */
    public static ComputeDtype fromSystemProperty() {
        String value = System.getProperty(PROPERTY);
        return value == null || value.isBlank() ? AUTO : parse(value, "-D" + PROPERTY);
    }

    /**
     * Returns the first request that is not null, in order of precedence, or {@link #fromSystemProperty} when all
     * are null.
     */
    public static ComputeDtype firstOf(ComputeDtype... requests) {
        for (ComputeDtype request : requests) {
            if (request != null) {
                return request;
            }
        }
        return fromSystemProperty();
    }

    /**
     * Returns the array dtype this request means on a device: {@link #AUTO} is float16 on a GPU only.
     *
     * <p>NOTE: float16 has been run on the CPU only. The CUDA path uses the same casts but has not run on a GPU.
     */
    public DataType resolve(Device device) {
        return switch (this) {
            case AUTO -> device.isGpu() ? DataType.FLOAT16 : DataType.FLOAT32;
            case FLOAT32 -> DataType.FLOAT32;
            case FLOAT16 -> DataType.FLOAT16;
        };
    }

    /** Returns the lower-case name of an array dtype as the rest of the program prints it, such as "float16". */
    public static String name(DataType dataType) {
        return dataType.name().toLowerCase(Locale.ROOT);
    }
}
