package dev.topiary.cli;

import dev.topiary.training.StoredRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options that set where a training run reads and writes: its data, its folder, whether it resumes, and how
 * the result is printed. Shared by {@code distill} and {@code lora}.
 */
final class RunOptions {

    @Option(names = "--tokenizer", paramLabel = "FILE",
            description = "The llama2.c tokenizer file, when it is not beside the checkpoints.")
    Path tokenizer;

    @Option(names = "--data", paramLabel = "FILE",
            description = "Training text: one text per line (.txt) or {\"text\": ...} per line (.jsonl). With "
                    + "--resume, defaults to the run's data.")
    Path data;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "The run folder: new or empty, or an earlier run's folder with --resume.")
    Path out;

    @Option(names = "--resume", description = "Continue the run in --out from its newest checkpoint.")
    boolean resume;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    /**
     * Reads the run to resume from {@code --out}, or returns null without {@code --resume}.
     *
     * @param kind the run kind the command trains, "distillation" or "lora"
     * @param command the command's name, for the messages
     */
    StoredRun storedRun(String kind, String command) throws IOException {
        if (!resume) {
            return null;
        }
        if (!Files.isRegularFile(out.resolve("run.json"))) {
            throw new IllegalArgumentException("Cannot resume: " + out + " has no run.json. Give the --out of an "
                    + "earlier " + command + " run, or leave out --resume to start one.");
        }
        StoredRun stored = StoredRun.read(out);
        if (!stored.kind().equals(kind)) {
            String other = stored.kind().equals("lora") ? "lora" : "distill";
            throw new IllegalArgumentException("Cannot resume: " + out + " contains a " + stored.kind() + " run; use "
                    + "topiary " + other + " --resume.");
        }
        // Checked before the models load, which can take minutes for a large model.
        if (stored.completed()) {
            throw new IllegalArgumentException(stored.nothingToResume());
        }
        return stored;
    }

    /** Returns {@code --data}, or the resumed run's data file; fails when neither is there. */
    Path dataFile(StoredRun stored) {
        if (data != null) {
            return data;
        }
        if (stored != null && stored.dataSource() != null) {
            return stored.dataSource();
        }
        throw new IllegalArgumentException("Give --data FILE, the training text.");
    }

    /** Returns the model named on the command line, or the resumed run's; fails when neither is there. */
    static String model(String fromCommandLine, StoredRun stored, String role, String option) {
        if (fromCommandLine != null) {
            return fromCommandLine;
        }
        String recorded = stored == null ? null : stored.models().path(role).asText(null);
        if (recorded != null) {
            return recorded;
        }
        throw new IllegalArgumentException("Give " + option + " MODEL.");
    }
}
