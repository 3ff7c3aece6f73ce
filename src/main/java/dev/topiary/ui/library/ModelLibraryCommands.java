package dev.topiary.ui.library;

import javafx.beans.property.ReadOnlyBooleanProperty;

/** Commands of the model picker, carried out by the window in the background. */
public interface ModelLibraryCommands {

    /** Reads the library again: models.cfg, the Hugging Face cache and the recent list. */
    void refresh();

    /** Opens the selected model as the window's model. */
    void openSelected();

    /** Downloads a Hub repo at a revision into the cache as a job, then lists and selects it. */
    void download(String repoId, String revision);

    /** Returns whether a job runs, during which nothing can be opened or downloaded. */
    ReadOnlyBooleanProperty busyProperty();
}
