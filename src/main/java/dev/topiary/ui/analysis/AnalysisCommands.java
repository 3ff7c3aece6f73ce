package dev.topiary.ui.analysis;

import java.nio.file.Path;
import java.util.Optional;
import javafx.beans.binding.BooleanExpression;
import javafx.beans.property.ReadOnlyBooleanProperty;

/**
 * The work the analysis views start but do not do themselves, because it needs the model, the files or the
 * window's job queue. The window implements it; each command runs in the background and reports in the status
 * bar, and failures open the error dialog.
 */
public interface AnalysisCommands {

    /** Captures the chosen prompt set on the open model with the settings of the Prompt set panel. */
    void capture();

    /** Cancels the running job, such as a capture, which then shows what it has captured so far. */
    void cancelJob();

    /** Reads an analysis folder written by {@link #saveAnalysis} and shows it. */
    void openAnalysis(Path folder);

    /** Writes the shown analysis to a new or empty folder. */
    void saveAnalysis(Path folder);

    /** Writes the neuron table (one row per layer and neuron, every metric) as CSV. */
    void exportNeuronTable(Path file);

    /** Writes the layer table (residual norm, cosine similarity, block influence) as CSV. */
    void exportLayerTable(Path file);

    /** Returns whether a capture can start now: a model with a tokenizer is open and no job runs. */
    BooleanExpression canCapture();

    /** Returns whether a job runs. */
    ReadOnlyBooleanProperty busyProperty();

    /** Returns whether a job runs that {@link #cancelJob} stops: any but a training run. */
    BooleanExpression shortJobRunning();

    /** Returns the folder the last file chooser showed, if it still exists. */
    Optional<Path> lastFolder();

    /** Remembers the folder of a chosen file for the next file chooser. */
    void rememberFolder(Path folder);
}
