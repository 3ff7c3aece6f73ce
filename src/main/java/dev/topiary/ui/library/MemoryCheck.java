package dev.topiary.ui.library;

import dev.topiary.library.MemoryEstimate;
import dev.topiary.model.ModelConfig;
import java.util.Locale;

/**
 * A model's estimated memory for inference, capture and training against the device's free memory.
 *
 * <p>Inference and capture are estimated for one sequence of the context, capped at {@value #MAX_SEQUENCE}
 * tokens, because that is the estimate the loader rejects a model on. Training is estimated for a batch of
 * {@value #TRAINING_BATCH} sequences of at most {@value #TRAINING_SEQUENCE} tokens, as {@code topiary info} does.
 *
 * @param dtype the dtype of the inference and capture estimates, such as "float16". Training is estimated in
 *     float32
 * @param sequence tokens per sequence of the inference and capture estimates
 * @param trainingSequence tokens per sequence of the training estimate
 */
public record MemoryCheck(String device, String dtype, long freeBytes, long parameters, int sequence, MemoryEstimate single,
        int trainingSequence, MemoryEstimate training) {

    static final int MAX_SEQUENCE = MemoryEstimate.MAX_CHECK_SEQUENCE;
    static final int TRAINING_BATCH = 8;
    static final int TRAINING_SEQUENCE = 256;

    /**
     * Estimates the memory of a model with this config for inference and capture in a dtype.
     *
     * @param dtype the dtype's name, such as "float16"
     * @param bytesPerElement its bytes per element
     */
    public static MemoryCheck of(ModelConfig config, String dtype, int bytesPerElement, long freeBytes,
            String device) {
        int sequence = MemoryEstimate.checkSequence(config);
        int trainingSequence = Math.min(sequence, TRAINING_SEQUENCE);
        return new MemoryCheck(device, dtype, freeBytes, config.parameterCount(), sequence,
                MemoryEstimate.of(config, bytesPerElement, 1, sequence), trainingSequence,
                MemoryEstimate.of(config, bytesPerElement, TRAINING_BATCH, trainingSequence));
    }

    public long inferenceBytes() {
        return single.inference();
    }

    public long captureBytes() {
        return single.capture();
    }

    public long trainingBytes() {
        return training.training();
    }

    /** Returns whether the model can be opened: the loader rejects a model whose inference estimate does not fit. */
    public boolean inferenceFits() {
        return inferenceBytes() <= freeBytes;
    }

    public boolean captureFits() {
        return captureBytes() <= freeBytes;
    }

    public boolean trainingFits() {
        return trainingBytes() <= freeBytes;
    }

    /** Returns the warning to show, or null when all three estimates fit. */
    public String warning() {
        if (!inferenceFits()) {
            return String.format(Locale.ROOT, "Will not fit: inference needs about %s but only %s is free on %s. "
                    + "Open is disabled; prune the model or use a machine with more memory.",
                    MemoryEstimate.format(inferenceBytes()), MemoryEstimate.format(freeBytes), device);
        }
        if (!captureFits()) {
            return String.format(Locale.ROOT, "Opens, but a prompt-set capture needs about %s and only %s is free "
                    + "on %s.", MemoryEstimate.format(captureBytes()), MemoryEstimate.format(freeBytes), device);
        }
        if (!trainingFits()) {
            return String.format(Locale.ROOT, "Opens, but training needs about %s and only %s is free on %s.",
                    MemoryEstimate.format(trainingBytes()), MemoryEstimate.format(freeBytes), device);
        }
        return null;
    }
}
