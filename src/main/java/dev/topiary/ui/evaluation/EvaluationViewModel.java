package dev.topiary.ui.evaluation;

import dev.topiary.ui.Counts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * State of the Evaluate tab: the models to compare, the text set and tasks, the run settings and the last
 * report. Use it on the FX thread only.
 */
public final class EvaluationViewModel {

    /** Shown in place of the results before the first run. */
    public static final String NO_RESULTS_TEXT = "Tick the models to compare under Models: the first one ticked "
            + "is the baseline. Pick a text set, optionally tasks, and press Run.";
    /** The text set chosen when the sample folder has it. */
    static final String DEFAULT_TEXT_SET = "stories.txt";
    static final String DEFAULT_PROMPTS = "Once upon a time\nThe little dog wanted to\nLily and Tom went to the park.";

    private static final Logger log = LoggerFactory.getLogger(EvaluationViewModel.class);

    private final EvaluationCandidates candidates = new EvaluationCandidates();
    private final ObservableList<Path> textSets = FXCollections.observableArrayList();
    private final ObjectProperty<Path> textSet = new SimpleObjectProperty<>(this, "textSet");
    private final ObservableList<TaskFile> tasks = FXCollections.observableArrayList();
    private final ObjectProperty<Integer> window = new SimpleObjectProperty<>(this, "window", 0);
    private final ObjectProperty<Integer> stride = new SimpleObjectProperty<>(this, "stride", 0);
    private final ObjectProperty<Integer> batchSize = new SimpleObjectProperty<>(this, "batchSize", 8);
    private final ObjectProperty<Integer> speedTokens = new SimpleObjectProperty<>(this, "speedTokens", 32);
    private final ObjectProperty<Integer> generationTokens = new SimpleObjectProperty<>(this, "generationTokens", 32);
    private final StringProperty prompts = new SimpleStringProperty(this, "prompts", DEFAULT_PROMPTS);
    private final ReadOnlyObjectWrapper<EvaluationReport> report = new ReadOnlyObjectWrapper<>(this, "report");
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper(this, "summary", NO_RESULTS_TEXT);

    /**
     * Lists the text sets (.txt) of a sample folder and the task files (.jsonl) of its {@code tasks} subfolder,
     * and chooses {@value #DEFAULT_TEXT_SET} when nothing is chosen. A missing folder lists nothing.
     */
    public void listSampleFolder(Path folder) {
        for (Path file : list(folder, ".txt")) {
            if (!textSets.contains(file)) {
                textSets.add(file);
            }
        }
        if (textSet.get() == null && !textSets.isEmpty()) {
            textSet.set(textSets.stream().filter(file -> file.getFileName().toString().equals(DEFAULT_TEXT_SET))
                    .findFirst().orElse(textSets.get(0)));
        }
        for (Path file : list(folder.resolve("tasks"), ".jsonl")) {
            if (tasks.stream().noneMatch(task -> task.path().equals(file))) {
                tasks.add(new TaskFile(file));
            }
        }
    }

    private static List<Path> list(Path folder, String extension) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.filter(Files::isRegularFile)
                    .filter(file -> file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(extension))
                    .map(file -> file.toAbsolutePath().normalize()).sorted().toList();
        } catch (IOException e) {
            log.warn("Cannot list {}: {}", folder, e.getMessage());
            return List.of();
        }
    }

    /** Adds a text set file, such as one picked with Browse, and chooses it. */
    public void chooseTextSet(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        if (!textSets.contains(absolute)) {
            textSets.add(absolute);
        }
        textSet.set(absolute);
    }

    /** Adds a task file, such as one picked with Add task, and ticks it. */
    public void addTask(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        TaskFile task = tasks.stream().filter(existing -> existing.path().equals(absolute)).findFirst()
                .orElseGet(() -> {
                    TaskFile added = new TaskFile(absolute);
                    tasks.add(added);
                    return added;
                });
        task.chosenProperty().set(true);
    }

    /**
     * Returns the plan of a run with the current settings.
     *
     * @throws IllegalArgumentException when no model or text set is chosen or a setting is invalid, with a message
     *     that names the setting and the fix
     */
    public EvaluationPlan plan() {
        List<ModelChoice> models = List.copyOf(candidates.chosen());
        if (models.isEmpty()) {
            throw new IllegalArgumentException("No model is ticked. Tick one or more models under Models; the first "
                    + "one ticked is the baseline.");
        }
        if (textSet.get() == null) {
            throw new IllegalArgumentException("No text set is chosen. Pick a .txt or .jsonl file under Text set.");
        }
        int windowValue = required(window, "Window");
        int strideValue = required(stride, "Stride");
        if (windowValue == 1) {
            throw new IllegalArgumentException("The window must be 0 (each model's context) or at least 2 tokens.");
        }
        if (windowValue > 0 && strideValue >= windowValue) {
            throw new IllegalArgumentException("The stride (" + strideValue + ") must be smaller than the window ("
                    + windowValue + "), so that each window has context before the tokens it scores.");
        }
        List<Path> chosenTasks = tasks.stream().filter(task -> task.chosenProperty().get()).map(TaskFile::path)
                .toList();
        List<String> promptList = new ArrayList<>();
        for (String line : (prompts.get() == null ? "" : prompts.get()).split("\\R")) {
            if (!line.isBlank()) {
                promptList.add(line.strip());
            }
        }
        ModelChoice reference = candidates.referenceProperty().get().resolve(models);
        return new EvaluationPlan(models, reference, textSet.get(), chosenTasks, windowValue, strideValue,
                Math.max(1, required(batchSize, "Batch size")), required(speedTokens, "Speed tokens"), promptList,
                required(generationTokens, "Generation tokens"));
    }

    private static int required(ObjectProperty<Integer> setting, String name) {
        if (setting.get() == null || setting.get() < 0) {
            throw new IllegalArgumentException(name + " needs a whole number of 0 or more.");
        }
        return setting.get();
    }

    /** Shows a report, finished or the part of a cancelled run. */
    public void show(EvaluationReport finished) {
        report.set(finished);
        String reference = finished.hasReference() ? "; KL and agreement against " + finished.referenceName() : "";
        String cancelled = finished.isComplete() ? "" : String.format(Locale.ROOT, " (cancelled: %d of %s)",
                finished.rows().size(), Counts.of(finished.modelsRequested(), "model"));
        summary.set(String.format(Locale.ROOT, "%s on %s (%s each)%s%s. Charts and relative columns divide by "
                + "%s.", Counts.of(finished.rows().size(), "model"), finished.textSet(),
                Counts.of(finished.rows().get(0).text().tokens(), "token"), reference, cancelled,
                finished.rows().get(0).name()));
    }

    public EvaluationCandidates candidates() {
        return candidates;
    }

    public ObservableList<Path> textSets() {
        return textSets;
    }

    public ObjectProperty<Path> textSetProperty() {
        return textSet;
    }

    public ObservableList<TaskFile> tasks() {
        return tasks;
    }

    /** Returns the window setting in tokens; 0 means each model's context. */
    public ObjectProperty<Integer> windowProperty() {
        return window;
    }

    /** Returns the stride setting in tokens; 0 means half the window. */
    public ObjectProperty<Integer> strideProperty() {
        return stride;
    }

    public ObjectProperty<Integer> batchSizeProperty() {
        return batchSize;
    }

    /** Returns the tokens decoded per speed run; 0 skips the speed test. */
    public ObjectProperty<Integer> speedTokensProperty() {
        return speedTokens;
    }

    public ObjectProperty<Integer> generationTokensProperty() {
        return generationTokens;
    }

    /** Returns the generation prompts, one per line. */
    public StringProperty promptsProperty() {
        return prompts;
    }

    /** Returns the last report, or null before the first run. */
    public ReadOnlyObjectProperty<EvaluationReport> reportProperty() {
        return report.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty summaryProperty() {
        return summary.getReadOnlyProperty();
    }
}
