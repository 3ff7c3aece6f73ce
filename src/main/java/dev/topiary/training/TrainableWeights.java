package dev.topiary.training;

import ai.djl.ndarray.NDArray;
import dev.topiary.model.LanguageModel;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Makes arrays trainable: each gets a gradient that PyTorch fills during a backward pass, until {@link #close}
 * takes it away again. A model none of whose arrays is trainable is frozen: its forward pass records no graph
 * even inside a gradient collector, which is how a teacher and a LoRA base model run. Call on the engine thread.
 */
public final class TrainableWeights implements AutoCloseable {

    private final Map<String, NDArray> arrays;

    private TrainableWeights(Map<String, NDArray> arrays) {
        this.arrays = Collections.unmodifiableMap(new LinkedHashMap<>(arrays));
        for (NDArray array : this.arrays.values()) {
            array.setRequiresGradient(true);
        }
    }

    /** Makes every weight of a model trainable, under the names of {@code Transformer.parameters()}. */
    public static TrainableWeights of(LanguageModel model) {
        requireFloat32(model, "the student");
        requireFrozen(model, "the student");
        return new TrainableWeights(model.transformer().parameters());
    }

    /** Makes the given arrays trainable, such as a LoRA adapter's. */
    public static TrainableWeights of(Map<String, NDArray> arrays) {
        return new TrainableWeights(arrays);
    }

    /**
     * Rejects a model loaded in float16: training updates and differentiates through its weights in float32 only,
     * because AdamW's small updates vanish when added to float16 weights.
     */
    public static void requireFloat32(LanguageModel model, String role) {
        if (model.dataType() != ai.djl.ndarray.types.DataType.FLOAT32) {
            throw new IllegalArgumentException("The model " + model.name() + " given as " + role + " is loaded in "
                    + dev.topiary.engine.ComputeDtype.name(model.dataType()) + ", but training runs in float32 only. "
                    + "In the window, reopen it with Dtype float32 in the model picker; the distill and lora commands "
                    + "load the model they train in float32 always.");
        }
    }

    /**
     * Checks that no weight of a model is trainable already, which would mean it is being trained by another run
     * or is the same model as the one being trained.
     *
     * @param role how the message names the model, such as "the teacher"
     */
    public static void requireFrozen(LanguageModel model, String role) {
        for (Map.Entry<String, NDArray> entry : model.transformer().parameters().entrySet()) {
            if (entry.getValue().hasGradient()) {
                throw new IllegalArgumentException("The model " + model.name() + " given as " + role + " is being "
                        + "trained already (" + entry.getKey() + " has a gradient). Use a separately loaded model, "
                        + "and never the same model as teacher and student.");
            }
        }
    }

    /** Returns the trainable arrays by name. */
    public Map<String, NDArray> arrays() {
        return arrays;
    }

    /** Returns the number of trainable values. */
    public long parameterCount() {
        return arrays.values().stream().mapToLong(NDArray::size).sum();
    }

    /** Takes the gradients away, so the arrays are plain weights again. */
    @Override
    public void close() {
        for (NDArray array : arrays.values()) {
            array.setRequiresGradient(false);
        }
    }
}
