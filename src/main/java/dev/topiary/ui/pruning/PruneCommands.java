package dev.topiary.ui.pruning;

import java.nio.file.Path;
import java.util.Optional;
import javafx.beans.property.ReadOnlyBooleanProperty;

/**
 * The work the Prune and Fairness tabs start but do not do themselves, because it needs the model, its files or
 * the window's job queue. The window implements it; each command runs in the background with progress in the
 * status bar, and failures open the error dialog.
 */
public interface PruneCommands {

    /** Builds the plan of the Prune tab and compares generations and perplexity with and without it. */
    void preview();

    /** Writes the model pruned by the Prune tab's plan to a new or empty folder as a Hugging Face folder. */
    void export(Path folder);

    /** Opens a model folder in the window, replacing the open model, such as a model just exported. */
    void openModel(Path folder);

    /** Reads a file of paired prompts and measures the bias report of the open model on it. */
    void measureBias(Path pairFile);

    /** Measures the bias report again, on the same pairs, with the Prune tab's plan applied as an ablation. */
    void measureBiasAfterPruning();

    /** Returns whether a job runs. */
    ReadOnlyBooleanProperty busyProperty();

    /** Returns the folder the last file chooser showed, if it still exists. */
    Optional<Path> lastFolder();

    /** Remembers the folder of a chosen file for the next file chooser. */
    void rememberFolder(Path folder);
}
