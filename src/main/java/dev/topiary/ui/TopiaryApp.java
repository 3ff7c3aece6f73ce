package dev.topiary.ui;

import dev.topiary.engine.OfflineMode;
import javafx.application.Application;
import javafx.stage.Stage;

/** The Topiary desktop application: {@code mvn javafx:run}, or {@link Launcher} from a jar. */
public class TopiaryApp extends Application {

    static {
        // DJL reads its offline switch when its Engine class loads; this runs before any of our code can load it.
        OfflineMode.enable();
    }

    private MainWindow window;

    public static void main(String[] args) {
        launch(TopiaryApp.class, args);
    }

    @Override
    public void start(Stage stage) {
        window = MainWindow.show(stage, UiSettings.forUser());
    }

    @Override
    public void stop() {
        if (window != null) {
            window.close();
        }
    }
}
