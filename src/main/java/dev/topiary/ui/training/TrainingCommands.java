package dev.topiary.ui.training;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Optional;
import javafx.beans.property.ReadOnlyBooleanProperty;

/** The window's work for the Train tab: starting and steering runs, loading finished runs, saving charts and data. */
public interface TrainingCommands {

    /** Checks the tab's settings and starts a run, or reports what to fix. */
    void start();

    /** Pauses the active run after its current step. */
    void pause();

    /** Lets the paused run continue. */
    void resume();

    /** Stops the active run after its current step; it writes a checkpoint of that step. */
    void cancel();

    /** Reads a finished or stopped run's folder and adds its curves to the charts. */
    void loadRun(Path folder);

    /** Writes the charted runs' points, and the smoothed values, as CSV. */
    void exportCsv(Path file);

    /** Writes a drawn chart image as a PNG file. */
    void exportPng(BufferedImage image, Path file);

    /** Returns whether another job has the engine, such as a capture or an evaluation. */
    ReadOnlyBooleanProperty busyProperty();

    /** Returns the folder the last file chooser was in. */
    Optional<Path> lastFolder();

    void rememberFolder(Path folder);
}
