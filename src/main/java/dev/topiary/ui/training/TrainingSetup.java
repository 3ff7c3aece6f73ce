package dev.topiary.ui.training;

import dev.topiary.training.DistillationConfig;
import dev.topiary.training.LoraConfig;
import dev.topiary.training.TrainingConfig;
import java.nio.file.Path;

/**
 * A checked request for a training run, built from the Train tab's fields by {@link TrainingForm#toSetup}.
 *
 * @param kind distillation or LoRA
 * @param teacher the teacher's folder or llama2.c file, or null to distill from the open model
 * @param student the student's folder or file for distillation, or null for LoRA
 * @param data the training text file (.txt or .jsonl)
 * @param config the shared training settings
 * @param distillation the distillation loss settings, or null for LoRA
 * @param lora the adapter settings, or null for distillation
 * @param merge for LoRA, also write the model with the adapters merged into its weights
 * @param output the run folder, absent or empty
 */
public record TrainingSetup(TrainingKind kind, Path teacher, Path student, Path data, TrainingConfig config,
        DistillationConfig distillation, LoraConfig lora, boolean merge, Path output) {

    /** Returns whether the run needs the window's open model: LoRA always, distillation for its teacher. */
    public boolean usesOpenModel() {
        return kind == TrainingKind.LORA || teacher == null;
    }
}
