package dev.topiary.ui.analysis;

import dev.topiary.activations.CaptureOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * State of the Prompt set panel: the prompt files to choose from, the chosen one, and the capture settings.
 * Use it on the FX thread only.
 */
public final class CaptureSettings {

    /**
     * The prompt file chosen by default when a listed folder has it. The first file by name in sample-prompts
     * contains fairness pairs, which belong to the Fairness tab rather than to a capture.
     */
    public static final String PREFERRED_PROMPT_FILE = "stories.txt";

    private static final Logger log = LoggerFactory.getLogger(CaptureSettings.class);

    private final ObservableList<Path> promptFiles = FXCollections.observableArrayList();
    private final ObjectProperty<Path> promptFile = new SimpleObjectProperty<>(this, "promptFile");
    private final ObjectProperty<Integer> batchSize = new SimpleObjectProperty<>(this, "batchSize");
    private final ObjectProperty<Integer> topK = new SimpleObjectProperty<>(this, "topK");
    private final ObjectProperty<Double> threshold = new SimpleObjectProperty<>(this, "threshold");

    public CaptureSettings() {
        CaptureOptions defaults = CaptureOptions.defaults();
        batchSize.set(defaults.batchSize());
        topK.set(defaults.topK());
        threshold.set((double) defaults.threshold());
    }

    /**
     * Lists the prompt files (.txt, .jsonl, .json) of a folder, such as the {@code sample-prompts} folder of the
     * working directory. When none is chosen yet, chooses {@value #PREFERRED_PROMPT_FILE} if the folder has it,
     * else the first file by name. A missing folder lists nothing.
     */
    public void listFolder(Path folder) {
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (Stream<Path> entries = Files.list(folder)) {
            List<Path> files = entries.filter(Files::isRegularFile)
                    .filter(CaptureSettings::isPromptFile)
                    .map(path -> path.toAbsolutePath().normalize())
                    .sorted()
                    .toList();
            for (Path file : files) {
                if (!promptFiles.contains(file)) {
                    promptFiles.add(file);
                }
            }
        } catch (IOException e) {
            log.warn("Cannot list prompt files in {}: {}", folder, e.getMessage());
        }
        if (promptFile.get() == null && !promptFiles.isEmpty()) {
            Path preferred = folder.resolve(PREFERRED_PROMPT_FILE).toAbsolutePath().normalize();
            promptFile.set(promptFiles.contains(preferred) ? preferred : promptFiles.get(0));
        }
    }

    static boolean isPromptFile(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".txt") || name.endsWith(".jsonl") || name.endsWith(".json");
    }

    /** Adds a file to the list, unless it is there already, and chooses it. */
    public void choose(Path file) {
        Path normalised = file.toAbsolutePath().normalize();
        if (!promptFiles.contains(normalised)) {
            promptFiles.add(normalised);
        }
        promptFile.set(normalised);
    }

    /**
     * Returns the capture options of the current settings.
     *
     * @throws IllegalArgumentException when a setting is empty or out of range, naming it
     */
    public CaptureOptions options() {
        if (batchSize.get() == null || topK.get() == null || threshold.get() == null) {
            throw new IllegalArgumentException("Batch size, top-k and threshold need a value each.");
        }
        return new CaptureOptions(batchSize.get(), topK.get(), threshold.get().floatValue(),
                CaptureOptions.defaults().maxTokens());
    }

    public ObservableList<Path> promptFiles() {
        return promptFiles;
    }

    /** Returns the property of the chosen prompt file; null while none is chosen. */
    public ObjectProperty<Path> promptFileProperty() {
        return promptFile;
    }

    /** Returns the property of the prompts per forward pass. */
    public ObjectProperty<Integer> batchSizeProperty() {
        return batchSize;
    }

    /** Returns the property of the examples kept per neuron. */
    public ObjectProperty<Integer> topKProperty() {
        return topK;
    }

    /** Returns the property of the activation above which a token counts as active. */
    public ObjectProperty<Double> thresholdProperty() {
        return threshold;
    }
}
