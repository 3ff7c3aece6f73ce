package dev.topiary.ui;

import java.nio.file.Path;
import java.util.Optional;
import javafx.beans.binding.BooleanExpression;
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

    /**
     * Returns whether a job runs that a tab's own Cancel may stop: any job but a training run, which only the Train
     * tab and the status bar stop.
     */
    public BooleanExpression shortJobRunning() {
        return main.shortJobRunningBinding();
    }

    public Optional<Path> lastFolder() {
        return settings.lastFolder();
    }

    public void rememberFolder(Path folder) {
        settings.saveLastFolder(folder);
    }
}
