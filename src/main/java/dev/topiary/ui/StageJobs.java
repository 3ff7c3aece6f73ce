package dev.topiary.ui;

import java.nio.file.Path;
import java.util.Optional;
import javafx.beans.property.ReadOnlyBooleanProperty;

/**
 * The state every tab's job runner shares: the window's busy flag, which one job at a time holds, and the folder
 * the user last chose in any file dialog.
 */
abstract class StageJobs {

    protected final MainViewModel main;
    protected final UiSettings settings;

    StageJobs(MainViewModel main, UiSettings settings) {
        this.main = main;
        this.settings = settings;
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return main.busyProperty();
    }

    public Optional<Path> lastFolder() {
        return settings.lastFolder();
    }

    public void rememberFolder(Path folder) {
        settings.saveLastFolder(folder);
    }
}
