package dev.topiary.cli;

import dev.topiary.engine.ComputeDtype;
import dev.topiary.engine.TensorEngine;
import dev.topiary.library.ModelLibrary;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The {@code --dtype} and {@code --device} options of every command that loads a model. Each wins over the
 * model's models.cfg entry, which wins over the {@code topiary.dtype} and {@code topiary.device} system
 * properties, which win over auto.
 */
final class ComputeOptions {

    @Option(names = "--dtype", paramLabel = "DTYPE", converter = DtypeConverter.class,
            description = "The dtype the model's weights and activations are held in: auto (float16 on a GPU, "
                    + "float32 on the CPU), float32 or float16. bfloat16 is computed as float16, because DJL's "
                    + "PyTorch engine cannot hold bfloat16 arrays. The model a run trains (the distill "
                    + "student, the lora base) always loads in float32; on distill, --dtype sets the teacher's dtype.")
    ComputeDtype dtype;

    @Option(names = "--device", paramLabel = "DEVICE",
            description = "The device to compute on: auto (the GPU when PyTorch sees one), cpu or gpu.")
    String device;

    /** Returns the dtype for a model: --dtype, else its models.cfg entry, else the system property, else auto. */
    ComputeDtype dtype(ModelLibrary.Resolved resolved) {
        return ComputeDtype.firstOf(dtype, resolved == null ? null : resolved.dtype());
    }

    /**
     * Starts the engine, or returns the running one, on the device for a model: --device, else its models.cfg
     * entry, else the system property, else auto.
     */
    TensorEngine engine(ModelLibrary.Resolved resolved) {
        if (device != null) {
            return TensorEngine.get(device, "--device");
        }
        if (resolved != null && resolved.device() != null) {
            return TensorEngine.get(resolved.device(), resolved.origin());
        }
        return TensorEngine.get();
    }

    /**
     * Parses --dtype with the same names as models.cfg and the system property. Picocli prefixes the message with
     * the option's name.
     */
    static final class DtypeConverter implements ITypeConverter<ComputeDtype> {
        @Override
        public ComputeDtype convert(String value) {
            try {
                return ComputeDtype.parse(value, "--dtype");
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' is not a dtype. Use " + ComputeDtype.VALID_VALUES
                        + ".");
            }
        }
    }
}
