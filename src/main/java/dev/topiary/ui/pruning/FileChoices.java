package dev.topiary.ui.pruning;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A list of files to pick from, such as the held-out text sets of sample-prompts, and the chosen one. */
public final class FileChoices {

    private static final Logger log = LoggerFactory.getLogger(FileChoices.class);

    private final ObservableList<Path> files = FXCollections.observableArrayList();
    private final ObjectProperty<Path> chosen = new SimpleObjectProperty<>(this, "chosen");

    /**
     * Adds the files of a folder that pass the filter, sorted by name. A missing folder adds nothing.
     *
     * @param preferred chosen when it is among them and nothing is chosen yet; otherwise the first file is
     */
    public void listFolder(Path folder, Predicate<Path> filter, String preferred) {
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (Stream<Path> entries = Files.list(folder)) {
            List<Path> found = entries.filter(Files::isRegularFile).filter(filter)
                    .map(path -> path.toAbsolutePath().normalize()).sorted().toList();
            for (Path file : found) {
                if (!files.contains(file)) {
                    files.add(file);
                }
            }
        } catch (IOException e) {
            log.warn("Cannot list the files of {}: {}", folder, e.getMessage());
        }
        if (chosen.get() == null && !files.isEmpty()) {
            chosen.set(files.stream().filter(file -> file.getFileName().toString().equals(preferred)).findFirst()
                    .orElse(files.get(0)));
        }
    }

    /** Adds a file to the list, unless it is there already, and chooses it. */
    public void choose(Path file) {
        Path normalised = file.toAbsolutePath().normalize();
        if (!files.contains(normalised)) {
            files.add(normalised);
        }
        chosen.set(normalised);
    }

    public ObservableList<Path> files() {
        return files;
    }

    /** Returns the property of the chosen file; null while none is chosen. */
    public ObjectProperty<Path> chosenProperty() {
        return chosen;
    }
}
