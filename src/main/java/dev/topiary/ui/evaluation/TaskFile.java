package dev.topiary.ui.evaluation;

import java.nio.file.Path;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;

/** A multiple-choice task file the Evaluate tab offers, with the check box that picks it. */
public final class TaskFile {

    private final Path path;
    private final BooleanProperty chosen = new SimpleBooleanProperty(this, "chosen");

    public TaskFile(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    public BooleanProperty chosenProperty() {
        return chosen;
    }

    @Override
    public String toString() {
        return path.getFileName().toString();
    }
}
