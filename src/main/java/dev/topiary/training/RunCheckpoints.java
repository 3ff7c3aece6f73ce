package dev.topiary.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.topiary.export.StagingFolder;
import dev.topiary.model.ModelFormatException;
import dev.topiary.model.safetensors.SafetensorsFile;
import dev.topiary.model.safetensors.SafetensorsWriter;
import dev.topiary.model.safetensors.TensorDtype;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The checkpoints of a run: {@code checkpoints/step-NNNNNN/} with {@code weights.safetensors} (the trainable arrays
 * under their training names), {@code optimizer.safetensors} (AdamW's moments as {@code m/NAME} and
 * {@code v/NAME}) and {@code state.json} (step, optimizer step, data position, seed). Each is written into a hidden
 * staging folder, flushed to disk, and renamed into place, so a checkpoint folder under its final name is always
 * complete. A crash leaves at most a staging folder, which the next resume deletes.
 */
final class RunCheckpoints {

    static final String FOLDER = "checkpoints";
    private static final String WEIGHTS = "weights.safetensors";
    private static final String OPTIMIZER = "optimizer.safetensors";
    private static final String STATE = "state.json";
    private static final Pattern NAME = Pattern.compile("step-(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * The contents of a checkpoint.
     *
     * @param step the optimizer steps taken
     * @param optimizerStep AdamW's update count, t in its bias corrections
     * @param weights the trainable arrays by training name, row-major
     * @param shapes their shapes
     * @param firstMoments AdamW's m by the same names
     * @param secondMoments AdamW's v by the same names
     */
    record State(int step, int optimizerStep, Map<String, float[]> weights, Map<String, long[]> shapes,
            Map<String, float[]> firstMoments, Map<String, float[]> secondMoments) {}

    private final Path root;

    RunCheckpoints(Path runFolder) {
        this.root = runFolder.resolve(FOLDER);
    }

    /** Returns the folder a checkpoint of {@code step} has once written. */
    Path folderOf(int step) {
        return root.resolve(String.format("step-%06d", step));
    }

    /**
     * Writes a checkpoint and then deletes all but the newest {@code keep}.
     *
     * @param info extra fields for state.json, such as the data position and the last loss
     */
    Path write(State state, TrainingConfig config, Map<String, Object> info, int keep) throws IOException {
        Files.createDirectories(root);
        Path target = folderOf(state.step());
        Path staging = StagingFolder.create(target);
        try {
            SafetensorsWriter weights = new SafetensorsWriter();
            SafetensorsWriter optimizer = new SafetensorsWriter();
            for (Map.Entry<String, float[]> entry : state.weights().entrySet()) {
                long[] shape = state.shapes().get(entry.getKey());
                weights.add(entry.getKey(), TensorDtype.F32, shape, entry.getValue());
                optimizer.add("m/" + entry.getKey(), TensorDtype.F32, shape, state.firstMoments().get(entry.getKey()));
                optimizer.add("v/" + entry.getKey(), TensorDtype.F32, shape,
                        state.secondMoments().get(entry.getKey()));
            }
            weights.write(staging.resolve(WEIGHTS));
            optimizer.write(staging.resolve(OPTIMIZER));
            ObjectNode json = JSON.createObjectNode();
            json.put("step", state.step());
            json.put("optimizer_step", state.optimizerStep());
            json.put("seed", config.seed());
            json.put("samples_seen", (long) state.step() * config.batchSize() * config.gradientAccumulation());
            json.put("tokens_seen", state.step() * config.tokensPerStep());
            json.put("created", Instant.now().toString());
            json.set("info", JSON.valueToTree(info));
            JSON.writeValue(staging.resolve(STATE).toFile(), json);
            for (String file : new String[] {WEIGHTS, OPTIMIZER, STATE}) {
                sync(staging.resolve(file));
            }
            StagingFolder.moveIntoPlace(staging, target);
            sync(root);
        } catch (IOException | RuntimeException e) {
            StagingFolder.delete(staging);
            throw e;
        }
        deleteAllButNewest(keep);
        return target;
    }

    /** Flushes a file or folder to the storage device, so a rename never publishes data still in a cache. */
    private static void sync(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Returns the complete checkpoints, oldest first. */
    List<Path> list() throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<Path> folders = new ArrayList<>();
        try (Stream<Path> entries = Files.list(root)) {
            entries.filter(path -> NAME.matcher(path.getFileName().toString()).matches())
                    .filter(path -> Files.isRegularFile(path.resolve(STATE)))
                    .sorted(Comparator.comparingInt(RunCheckpoints::stepOf))
                    .forEach(folders::add);
        }
        return folders;
    }

    /** Returns the newest complete checkpoint. */
    Optional<Path> latest() throws IOException {
        List<Path> folders = list();
        return folders.isEmpty() ? Optional.empty() : Optional.of(folders.get(folders.size() - 1));
    }

    private static int stepOf(Path folder) {
        Matcher matcher = NAME.matcher(folder.getFileName().toString());
        return matcher.matches() ? Integer.parseInt(matcher.group(1)) : -1;
    }

    private void deleteAllButNewest(int keep) throws IOException {
        List<Path> folders = list();
        for (int i = 0; i < folders.size() - keep; i++) {
            StagingFolder.delete(folders.get(i));
        }
    }

    /** Deletes the complete checkpoints of {@code step} and later, and returns them. */
    List<Path> deleteFrom(int step) throws IOException {
        List<Path> deleted = new ArrayList<>();
        for (Path folder : list()) {
            if (stepOf(folder) >= step) {
                StagingFolder.delete(folder);
                deleted.add(folder);
            }
        }
        return deleted;
    }

    /** Deletes staging folders that a crash or a kill left behind. */
    void deletePartials() throws IOException {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> entries = Files.list(root)) {
            entries.filter(path -> path.getFileName().toString().startsWith(".")
                    && path.getFileName().toString().contains(".partial-")).forEach(StagingFolder::delete);
        }
    }

    /** Reads a checkpoint back. */
    State read(Path folder) throws IOException, ModelFormatException {
        JsonNode state = JSON.readTree(folder.resolve(STATE).toFile());
        Map<String, float[]> weights = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Map<String, float[]> first = new LinkedHashMap<>();
        Map<String, float[]> second = new LinkedHashMap<>();
        try (SafetensorsFile file = SafetensorsFile.open(folder.resolve(WEIGHTS))) {
            for (String name : file.tensors().keySet()) {
                weights.put(name, file.readFloats(name));
                shapes.put(name, file.tensors().get(name).shape());
            }
        }
        try (SafetensorsFile file = SafetensorsFile.open(folder.resolve(OPTIMIZER))) {
            for (String name : weights.keySet()) {
                first.put(name, file.readFloats("m/" + name));
                second.put(name, file.readFloats("v/" + name));
            }
        }
        return new State(state.path("step").asInt(), state.path("optimizer_step").asInt(), weights, shapes, first,
                second);
    }

    /** Returns the step of a checkpoint folder's name. */
    static int step(Path folder) {
        return stepOf(folder);
    }
}
