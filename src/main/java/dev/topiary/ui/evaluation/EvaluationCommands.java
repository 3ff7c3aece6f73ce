package dev.topiary.ui.evaluation;

import java.nio.file.Path;
import java.util.Optional;
import javafx.beans.binding.BooleanExpression;
import javafx.beans.property.ReadOnlyBooleanProperty;

/** Commands of the Evaluate tab, carried out by the window as jobs with progress in the status bar. */
public interface EvaluationCommands {

    /** Evaluates the chosen models with the current settings; an invalid setting opens the error dialog. */
    void run();

    /** Cancels the running job; a cancelled evaluation shows the models finished before it stopped. */
    void cancel();

    /**
     * Writes the last report's table to a file.
     *
     * @param format "csv" or "markdown"
     */
    void exportTable(Path file, String format);

    ReadOnlyBooleanProperty busyProperty();

    /** Returns whether a job runs that {@link #cancel} stops: any but a training run. */
    BooleanExpression shortJobRunning();

    /** Returns the folder a file chooser showed last, if it still exists. */
    Optional<Path> lastFolder();

    void rememberFolder(Path folder);
}
