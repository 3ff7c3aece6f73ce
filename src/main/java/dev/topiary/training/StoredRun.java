package dev.topiary.training;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The settings a run folder's {@code run.json} records, read back to resume the run: a resumed run must use the
 * same settings and data, or its losses would differ from the run it continues.
 *
 * @param folder the run folder
 * @param kind "distillation" or "lora"
 * @param training the shared settings
 * @param distillation the distillation settings, or null for a LoRA run
 * @param lora the LoRA settings, or null for a distillation run
 * @param models the models as run.json names them: {@code teacher} and {@code student}, or {@code model} and
 *     {@code merge}
 * @param dataSource the training text file, or null when the data was built in memory
 * @param dataFingerprint {@link TrainingData#fingerprint} of the data the run started with
 */
public record StoredRun(Path folder, String kind, TrainingConfig training, DistillationConfig distillation,
        LoraConfig lora, JsonNode models, Path dataSource, String dataFingerprint) {

    /** Reads {@code run.json} of a run folder. */
    public static StoredRun read(Path folder) throws IOException {
        Path file = folder.resolve(TrainingRun.RUN_FILE);
        JsonNode json = TrainingRun.JSON.readTree(file.toFile());
        String kind = json.path("kind").asText();
        if (!kind.equals("distillation") && !kind.equals("lora")) {
            throw new IOException(file + " records a run of kind '" + kind + "'; expected distillation or lora.");
        }
        TrainingConfig training = TrainingRun.JSON.treeToValue(json.get("training"), TrainingConfig.class);
        DistillationConfig distillation = kind.equals("distillation")
                ? TrainingRun.JSON.treeToValue(json.get("distillation"), DistillationConfig.class)
                : null;
        LoraConfig lora = kind.equals("lora") ? TrainingRun.JSON.treeToValue(json.get("lora"), LoraConfig.class) : null;
        JsonNode data = json.path("data");
        Path source = data.hasNonNull("source") ? Path.of(data.get("source").asText()) : null;
        return new StoredRun(folder, kind, training, distillation, lora, json.path("models"), source,
                data.path("fingerprint").asText());
    }

    /**
     * Returns the folder the run writes last when it completes: {@code model/} for distillation or a merged LoRA
     * run, {@code adapter/} otherwise. Each export is renamed into place when complete, so its presence means the
     * earlier ones were written too.
     */
    public Path lastExport() {
        boolean model = kind.equals("distillation") || models.path("merge").asBoolean();
        return folder.resolve(model ? "model" : "adapter");
    }

    /** Returns whether the run completed: its newest checkpoint is of its final step and its last export exists. */
    public boolean completed() throws IOException {
        Optional<Path> latest = new RunCheckpoints(folder).latest();
        return latest.isPresent() && RunCheckpoints.step(latest.get()) >= training.steps()
                && Files.isDirectory(lastExport());
    }

    /** Returns the message that rejects resuming a completed run. */
    public String nothingToResume() {
        return "The run in " + folder + " finished all " + training.steps() + " steps and wrote " + lastExport()
                + " already; there is nothing to resume. Start a new run in another folder.";
    }

    /**
     * Rejects a resume whose settings or data differ from the stored run's, naming each difference.
     */
    static void compare(StoredRun stored, String kind, TrainingConfig training, Object taskConfig, TrainingData data) {
        Path file = stored.folder().resolve(TrainingRun.RUN_FILE);
        if (!stored.kind().equals(kind)) {
            throw new IllegalArgumentException("Cannot resume: " + file + " is a " + stored.kind() + " run, not "
                    + kind + ".");
        }
        List<String> differences = new ArrayList<>();
        differences(TrainingRun.JSON.valueToTree(stored.training()), TrainingRun.JSON.valueToTree(training),
                differences);
        Object storedTask = kind.equals("distillation") ? stored.distillation() : stored.lora();
        differences(TrainingRun.JSON.valueToTree(storedTask), TrainingRun.JSON.valueToTree(taskConfig), differences);
        if (!stored.dataFingerprint().equals(data.fingerprint())) {
            differences.add("the training data (" + stored.dataFingerprint() + " then, " + data.fingerprint()
                    + " now)");
        }
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException("Cannot resume the run in " + stored.folder() + ": "
                    + String.join(", ", differences) + " differ from " + TrainingRun.RUN_FILE + ". A resumed run "
                    + "must repeat the stored settings and data; start a new run to change them.");
        }
    }

    private static void differences(JsonNode stored, JsonNode now, List<String> differences) {
        Iterator<Map.Entry<String, JsonNode>> fields = stored.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode current = now.get(field.getKey());
            if (!field.getValue().equals(current)) {
                differences.add(field.getKey() + " (" + field.getValue() + " then, " + current + " now)");
            }
        }
    }
}
