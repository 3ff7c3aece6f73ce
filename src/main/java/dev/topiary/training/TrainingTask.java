package dev.topiary.training;

import ai.djl.ndarray.NDArray;
import dev.topiary.export.ExportException;
import dev.topiary.model.LanguageModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The method-specific part of a run: the arrays it trains and the loss of a batch. Distillation trains a student's
 * weights against a teacher, and LoRA trains adapters on a frozen model. Every method except {@link #export} runs
 * on the engine thread.
 */
interface TrainingTask extends AutoCloseable {

    /** Returns "distillation" or "lora", as run.json records it. */
    String kind();

    /** Returns the model whose forward pass is trained. */
    LanguageModel trainedModel();

    /** Returns the trainable arrays by name, the names a checkpoint stores them under. */
    Map<String, NDArray> parameters();

    /**
     * Computes what the loss compares the trained model with, before the gradient collector opens: the teacher's
     * outputs for distillation, null otherwise.
     *
     * @param inputs [B][T] token ids
     */
    Reference reference(int[][] inputs);

    /**
     * Computes the loss of a batch. With {@code training} true it runs inside a gradient collector with dropout
     * on; otherwise it only scores.
     *
     * @param inputs [B][T] token ids
     * @param targets [B, T, 1] int64 next-token ids
     */
    LossTerms loss(int[][] inputs, NDArray targets, Reference reference, boolean training);

    /** Writes the trained model or adapter into the run folder; may run on any thread. */
    List<Path> export(Path runFolder, Map<String, Object> provenance) throws ExportException;

    /** Returns the task's settings and models for run.json. */
    Map<String, Object> describe();

    /** Ends training: gradients are taken away and any adapter is detached and freed. */
    @Override
    void close();

    /**
     * A teacher's outputs for one batch, outside the graph.
     *
     * @param logits [B, T, V]
     * @param hidden the residual streams of the aligned layers, [B, T, D] each, or an empty list
     */
    record Reference(NDArray logits, List<NDArray> hidden) {}
}
