package dev.topiary.ui.training;

import dev.topiary.model.Projection;
import dev.topiary.training.DistillationConfig;
import dev.topiary.training.LoraConfig;
import dev.topiary.training.TrainingConfig;
import dev.topiary.ui.ModelPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The Train tab's fields as typed, checked all at once so that one message lists every value to fix, including the
 * checks against the models' configs.
 *
 * @param teacher the teacher's path as typed, or blank for the open model
 * @param student the student's path as typed; distillation only
 * @param data the training text file's path as typed
 * @param learningRate decimal text such as {@code 1e-4}
 * @param targets the projections that get LoRA adapters
 * @param output the run folder as typed
 */
public record TrainingForm(TrainingKind kind, String teacher, String student, String data, String steps,
        String batchSize, String sequenceLength, String learningRate, String temperature, String alpha, String seed,
        String checkpointEvery, String evalEvery, String loraRank, String loraAlpha, String loraDropout,
        Set<Projection> targets, boolean merge, String output) {

    /**
     * Checks the fields, and the settings against the models' configs, and builds the run's settings.
     *
     * @param open the window's open model, or null when none is open; LoRA and distillation from it need one
     * @param configs reads the configs of a distillation's teacher and student folders or files
     * @throws IllegalArgumentException listing every invalid field, each with its value and what to enter
     */
    public TrainingSetup toSetup(ModelChecks.OpenModel open, ModelChecks.ConfigReader configs) {
        List<String> problems = new ArrayList<>();
        Path teacherPath = kind == TrainingKind.DISTILLATION ? optionalPath("teacher", teacher, problems) : null;
        Path studentPath = kind == TrainingKind.DISTILLATION ? optionalPath("student", student, problems) : null;
        boolean modelsFound = checkModels(open, teacherPath, studentPath, problems);
        Path dataPath = optionalPath("training data file", data, problems);
        checkFile(dataPath, "The training data file", "Choose a .txt or .jsonl file, such as "
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
            if (modelsFound) {
                ModelChecks.distillation(teacherPath, open, studentPath, length, configs, problems);
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
            if (open != null) {
                ModelChecks.lora(open, length, rank, targets == null ? Set.of() : targets, lora, merge, problems);
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
        return new TrainingSetup(kind, teacherPath, studentPath, dataPath, config, distillation, lora,
                kind == TrainingKind.LORA && merge, folder);
    }

    /** Returns whether the models a distillation reads exist, so that their configs can be checked. */
    private boolean checkModels(ModelChecks.OpenModel open, Path teacherPath, Path studentPath,
            List<String> problems) {
        if (kind == TrainingKind.LORA) {
            if (open == null) {
                problems.add("Open a model first: LoRA trains adapters on the open model.");
            }
            return open != null;
        }
        boolean found = true;
        if (isBlank(teacher) && open == null) {
            problems.add("Open a model to use as the teacher, or choose a teacher folder.");
            found = false;
        } else if (teacherPath != null) {
            found = checkModelPath(teacherPath, "The teacher", problems);
        } else if (!isBlank(teacher)) {
            found = false;
        }
        if (isBlank(student)) {
            problems.add("Choose the student: a model folder such as one the Prune tab exported.");
            return false;
        }
        if (studentPath == null) {
            return false;
        }
        found &= checkModelPath(studentPath, "The student", problems);
        if (teacherPath != null && studentPath.toAbsolutePath().normalize().equals(
                teacherPath.toAbsolutePath().normalize())) {
            problems.add("The student and the teacher are the same path, " + studentPath + "; choose the pruned "
                    + "model as the student.");
            found = false;
        }
        return found;
    }

    private static boolean checkModelPath(Path path, String role, List<String> problems) {
        if (!Files.exists(path)) {
            problems.add(role + " " + path + " was not found; choose a Hugging Face model folder or a llama2.c "
                    + ".bin file.");
            return false;
        }
        return true;
    }

    /** Parses a typed path, or returns null for blank text or, with a problem added, for an invalid path. */
    private static Path optionalPath(String role, String typed, List<String> problems) {
        if (isBlank(typed)) {
            return null;
        }
        try {
            return ModelPaths.parse(typed);
        } catch (InvalidPathException e) {
            problems.add("The " + role + " '" + typed.strip() + "' is not a valid path (" + e.getReason() + ").");
            return null;
        }
    }

    private static boolean isBlank(String text) {
        return text == null || text.isBlank();
    }

    private void checkFile(Path file, String role, String hint, List<String> problems) {
        if (isBlank(data)) {
            problems.add(role + " is not chosen. " + hint);
        } else if (file != null && !Files.isRegularFile(file)) {
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
