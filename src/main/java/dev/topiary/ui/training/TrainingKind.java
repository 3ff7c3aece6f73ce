package dev.topiary.ui.training;

/** The two kinds of run the Train tab starts. */
public enum TrainingKind {
    /** Every weight of a student, such as a pruned model, learns to match a frozen teacher. */
    DISTILLATION("Distillation", "distill"),
    /** Low-rank adapters on the open model's projections learn the next token; the model stays frozen. */
    LORA("LoRA", "lora");

    private final String label;
    private final String folderPrefix;

    TrainingKind(String label, String folderPrefix) {
        this.label = label;
        this.folderPrefix = folderPrefix;
    }

    /** Returns the name the tab shows. */
    public String label() {
        return label;
    }

    /** Returns the start of suggested run folder names, as the CLI command is named: distill or lora. */
    public String folderPrefix() {
        return folderPrefix;
    }

    @Override
    public String toString() {
        return label;
    }
}
