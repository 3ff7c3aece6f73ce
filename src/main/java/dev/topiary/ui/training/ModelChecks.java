package dev.topiary.ui.training;

import dev.topiary.model.ModelConfig;
import dev.topiary.model.ModelFormatException;
import dev.topiary.model.Projection;
import dev.topiary.training.LoraConfig;
import dev.topiary.training.PeftAdapter;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The checks of a run's settings against the models it trains, made from their configs before any weights load, so
 * that the Train tab can list them with the other invalid fields in one message. They repeat the checks that
 * {@code TrainingData} and {@code TrainingRun} make when the run starts.
 *
 * <p>NOTE: whether the data file contains enough tokens for two sequences is still checked only when the run reads
 * it, because that needs the whole file tokenized. Such a failure ends the run before its first step.
 */
public final class ModelChecks {

    private ModelChecks() {}

    /** The open model as the checks need it: its name, config and compute dtype (such as float32). */
    public record OpenModel(String name, ModelConfig config, String dtype) {}

    /** Reads a model's config without its weights: config.json of a folder, or a llama2.c file's header. */
    @FunctionalInterface
    public interface ConfigReader {
        ModelConfig read(Path model) throws ModelFormatException;
    }

    /**
     * Checks the LoRA base: float32, a context of at least the sequence length, projections at least as wide as
     * the rank, and adapters that can be written. Null settings failed their own checks and are skipped.
     *
     * @param adapters the adapter settings, or null when some of them are invalid
     */
    static void lora(OpenModel open, Integer sequenceLength, Integer rank, Set<Projection> targets,
            LoraConfig adapters, boolean merge, List<String> problems) {
        if (!"float32".equals(open.dtype())) {
            problems.add("The open model " + open.name() + " is loaded in " + open.dtype() + ", but LoRA training "
                    + "runs in float32 only. Reopen the model with Dtype float32 in the model picker.");
        }
        ModelConfig config = open.config();
        context("The open model " + open.name(), config, sequenceLength, problems);
        if (rank != null) {
            for (Projection projection : targets) {
                int narrower = Math.min(projection.inputSize(config), projection.outputSize(config));
                if (rank > narrower) {
                    problems.add("LoRA rank " + rank + " is larger than " + projection.moduleName() + " of "
                            + open.name() + ", which maps " + projection.inputSize(config) + " inputs to "
                            + projection.outputSize(config) + " outputs. Enter a rank of at most " + narrower
                            + ", or untick " + projection.moduleName() + ".");
                }
            }
        }
        if (!merge && adapters != null && !PeftAdapter.canWrite(config, adapters)) {
            problems.add(open.name() + " fuses q_proj, k_proj and v_proj into qkv_proj and gate_proj and up_proj "
                    + "into gate_up_proj, so adapters on those cannot be written as a PEFT adapter. Tick \"Also "
                    + "write the merged model\", or target only o_proj and down_proj.");
        }
    }

    /**
     * Checks a distillation pair: both configs readable, one vocabulary, and contexts of at least the sequence
     * length.
     *
     * @param teacher the teacher's path, or null for the open model
     * @param open the open model, or null when none is open
     * @param student the student's path; it exists
     */
    static void distillation(Path teacher, OpenModel open, Path student, Integer sequenceLength,
            ConfigReader reader, List<String> problems) {
        ModelConfig teacherConfig = teacher == null ? open == null ? null : open.config()
                : read("teacher", teacher, reader, problems);
        ModelConfig studentConfig = read("student", student, reader, problems);
        String teacherName = teacher == null ? "The teacher (the open model)" : "The teacher " + teacher;
        if (teacherConfig != null) {
            context(teacherName, teacherConfig, sequenceLength, problems);
        }
        if (studentConfig != null) {
            context("The student " + student, studentConfig, sequenceLength, problems);
        }
        if (teacherConfig != null && studentConfig != null
                && teacherConfig.vocabSize() != studentConfig.vocabSize()) {
            problems.add("The student " + student + " has a vocabulary of " + studentConfig.vocabSize() + " tokens, "
                    + "but the teacher has " + teacherConfig.vocabSize() + ". Distillation compares the next-token "
                    + "distributions id by id, so choose a student pruned from the teacher or from its family.");
        }
    }

    private static ModelConfig read(String role, Path model, ConfigReader reader, List<String> problems) {
        try {
            return reader.read(model);
        } catch (ModelFormatException | RuntimeException e) {
            problems.add("The " + role + "'s config cannot be read: " + e.getMessage());
            return null;
        }
    }

    private static void context(String model, ModelConfig config, Integer sequenceLength, List<String> problems) {
        if (sequenceLength != null && sequenceLength > config.maxPositionEmbeddings()) {
            problems.add("Sequence length must be between 2 and the context of " + config.maxPositionEmbeddings()
                    + " tokens of " + lowerFirst(model) + "; got " + sequenceLength + ".");
        }
    }

    private static String lowerFirst(String text) {
        return text.startsWith("The ") ? "the " + text.substring(4) : text;
    }
}
