package dev.topiary.ui.training;

import dev.topiary.model.Projection;
import dev.topiary.training.DistillationConfig;
import dev.topiary.training.LoraConfig;
import dev.topiary.training.TrainingConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The Train tab's fields as typed, checked all at once so that one message lists every value to fix.
 *
 * @param teacher the teacher's path, or null for the open model
 * @param student the student's path; distillation only
 * @param learningRate decimal text such as {@code 1e-4}
 * @param targets the projections that get LoRA adapters
 * @param output the run folder as typed
 */
public record TrainingForm(TrainingKind kind, Path teacher, Path student, Path data, String steps,
        String batchSize, String sequenceLength, String learningRate, String temperature, String alpha, String seed,
        String checkpointEvery, String evalEvery, String loraRank, String loraAlpha, String loraDropout,
        Set<Projection> targets, boolean merge, String output) {

    /**
     * Checks the fields and builds the run's settings.
     *
     * @param modelOpen whether the window has a model open, which LoRA and distillation from it need
     * @throws IllegalArgumentException listing every invalid field, each with its value and what to enter
     */
    public TrainingSetup toSetup(boolean modelOpen) {
        List<String> problems = new ArrayList<>();
        checkModels(modelOpen, problems);
        checkFile(data, "The training data file", "Choose a .txt or .jsonl file, such as "
                + "sample-prompts/train-stories.txt.", problems);

        Integer stepCount = whole("Steps", steps, 1, problems);
        Integer batch = whole("Batch size", batchSize, 1, problems);
        Integer length = whole("Sequence length", sequenceLength, 2, problems);
        Double rate = decimal("Learning rate", learningRate, problems);
        Integer seedValue = whole("Seed", seed, 0, problems);
        Integer checkpoints = whole("Checkpoint interval", checkpointEvery, 1, problems);
        Integer evaluations = whole("Evaluation interval", evalEvery, 0, problems);
        Path folder = outputFolder(problems);

        DistillationConfig distillation = null;
        LoraConfig lora = null;
        if (kind == TrainingKind.DISTILLATION) {
            Double softening = decimal("Temperature", temperature, problems);
            Double weight = decimal("Alpha", alpha, problems);
            if (softening != null && weight != null) {
                distillation = check(() -> new DistillationConfig(softening, weight, 0, null), problems);
            }
        } else {
            Integer rank = whole("LoRA rank", loraRank, 1, problems);
            Double scale = decimal("LoRA alpha", loraAlpha, problems);
            Double dropout = decimal("LoRA dropout", loraDropout, problems);
            if (targets == null || targets.isEmpty()) {
                problems.add("Tick at least one target projection for the adapters, such as q_proj and v_proj.");
            } else if (rank != null && scale != null && dropout != null) {
                lora = check(() -> new LoraConfig(rank, scale, dropout, List.copyOf(targets)), problems);
            }
        }

        TrainingConfig config = null;
        if (stepCount != null && batch != null && length != null && rate != null && seedValue != null
                && checkpoints != null && evaluations != null) {
            TrainingConfig.Builder builder = TrainingConfig.builder().steps(stepCount).batchSize(batch)
                    .sequenceLength(length).learningRate(rate).seed(seedValue).checkpointEvery(checkpoints)
                    .evalEvery(evaluations);
            // The same defaults as the distill and lora commands: LoRA adapters start at zero and get no decay.
            if (kind == TrainingKind.LORA) {
                builder.weightDecay(0);
            }
            config = check(builder::build, problems);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
        return new TrainingSetup(kind, kind == TrainingKind.DISTILLATION ? teacher : null,
                kind == TrainingKind.DISTILLATION ? student : null, data, config, distillation, lora,
                kind == TrainingKind.LORA && merge, folder);
    }

    private void checkModels(boolean modelOpen, List<String> problems) {
        if (kind == TrainingKind.LORA) {
            if (!modelOpen) {
                problems.add("Open a model first: LoRA trains adapters on the open model.");
            }
            return;
        }
        if (teacher == null && !modelOpen) {
            problems.add("Open a model to use as the teacher, or choose a teacher folder.");
        } else if (teacher != null) {
            checkModelPath(teacher, "The teacher", problems);
        }
        if (student == null) {
            problems.add("Choose the student: a model folder such as one the Prune tab exported.");
        } else {
            checkModelPath(student, "The student", problems);
            if (teacher != null && student.toAbsolutePath().normalize().equals(teacher.toAbsolutePath().normalize())) {
                problems.add("The student and the teacher are the same path, " + student + "; choose the pruned "
                        + "model as the student.");
            }
        }
    }

    private static void checkModelPath(Path path, String role, List<String> problems) {
        if (!Files.exists(path)) {
            problems.add(role + " " + path + " was not found; choose a Hugging Face model folder or a llama2.c "
                    + ".bin file.");
        }
    }

    private static void checkFile(Path file, String role, String hint, List<String> problems) {
        if (file == null) {
            problems.add(role + " is not chosen. " + hint);
        } else if (!Files.isRegularFile(file)) {
            problems.add(role + " " + file + " was not found. " + hint);
        }
    }

    private Path outputFolder(List<String> problems) {
        String typed = output == null ? "" : output.strip();
        if (typed.isEmpty()) {
            problems.add("The output folder is empty; type or choose a new folder for the run.");
            return null;
        }
        Path folder;
        try {
            folder = Path.of(typed).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            problems.add("The output folder '" + typed + "' is not a valid path (" + e.getReason() + ").");
            return null;
        }
        if (Files.isRegularFile(folder)) {
            problems.add("The output folder " + folder + " is a file; choose a new folder for the run.");
        } else if (Files.isDirectory(folder) && !isEmpty(folder)) {
            problems.add("The output folder " + folder + " exists and is not empty; choose a new folder for the "
                    + "run.");
        }
        return folder;
    }

    private static boolean isEmpty(Path folder) {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    private static Integer whole(String name, String text, int minimum, List<String> problems) {
        String typed = text == null ? "" : text.strip();
        try {
            long value = Long.parseLong(typed);
            if (value >= minimum && value <= Integer.MAX_VALUE) {
                return (int) value;
            }
        } catch (NumberFormatException e) {
            // Reported below with the typed text.
        }
        problems.add(name + " must be a whole number of " + minimum + " or more; got '" + typed + "'.");
        return null;
    }

    private static Double decimal(String name, String text, List<String> problems) {
        String typed = text == null ? "" : text.strip();
        try {
            double value = Double.parseDouble(typed);
            if (Double.isFinite(value)) {
                return value;
            }
        } catch (NumberFormatException e) {
            // Reported below with the typed text.
        }
        problems.add(name + " must be a number, such as 0.5 or 1e-4; got '" + typed + "'.");
        return null;
    }

    /** Builds a settings record, adding its range check's message to the problems instead of throwing. */
    private static <T> T check(java.util.function.Supplier<T> build, List<String> problems) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return null;
        }
    }
}
