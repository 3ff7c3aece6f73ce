package dev.topiary.ui;

import dev.topiary.engine.OfflineMode;

/**
 * Starts the window from a plain jar. The java launcher refuses to start a main class that extends
 * {@code Application} unless the JavaFX modules are on the module path ("JavaFX runtime components are missing"),
 * so a jar that carries JavaFX on its classpath names this class as its main class.
 */
public final class Launcher {

    private Launcher() {}

    public static void main(String[] args) {
        OfflineMode.enable();
        TopiaryApp.main(args);
    }
}
