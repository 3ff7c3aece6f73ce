package dev.topiary.ui.evaluation;

import dev.topiary.engine.ComputeDtype;
import java.nio.file.Path;

/**
 * A model to evaluate, as the evaluation job receives it.
 *
 * @param path the model folder or llama2.c file
 * @param tokenizer a llama2.c tokenizer file, or null to look beside the checkpoint
 * @param isOpenModel whether this is the window's open model, which the job uses as loaded and never closes
 * @param dtype the dtype the model's models.cfg entry requests, or null
 */
public record ModelChoice(String name, Path path, Path tokenizer, boolean isOpenModel, ComputeDtype dtype) {

    /** Creates a choice whose dtype is left to the window's choice and the system settings. */
    public ModelChoice(String name, Path path, Path tokenizer, boolean isOpenModel) {
        this(name, path, tokenizer, isOpenModel, null);
    }

    /** Returns the absolute, normalised path that identifies the model among candidates. */
    public Path key() {
        return path.toAbsolutePath().normalize();
    }
}
