package dev.topiary.ui;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.prefs.Preferences;

/**
 * What the window remembers between runs: its size, the last model path and the last folder of a file chooser.
 * The app keeps them in the user's Java preferences; tests use {@link #inMemory()} so that they neither read nor
 * change a real user's settings.
 */
public final class UiSettings {

    /** Default window size, in pixels, for the first start. */
    public static final double DEFAULT_WIDTH = 1280;
    public static final double DEFAULT_HEIGHT = 820;

    private static final String WIDTH = "window.width";
    private static final String HEIGHT = "window.height";
    private static final String LAST_MODEL = "model.lastPath";
    private static final String LAST_FOLDER = "chooser.lastFolder";

    /** Key-value storage behind the settings. */
    private interface Store {
        String get(String key);

        void put(String key, String value);
    }

    private final Store store;

    private UiSettings(Store store) {
        this.store = store;
    }

    /** Returns settings kept in the user's Java preferences, under this package's node. */
    public static UiSettings forUser() {
        Preferences node = Preferences.userNodeForPackage(UiSettings.class);
        return new UiSettings(new Store() {
            @Override
            public String get(String key) {
                return node.get(key, null);
            }

            @Override
            public void put(String key, String value) {
                node.put(key, value);
            }
        });
    }

    /** Returns settings that start empty and are forgotten when the object is. */
    public static UiSettings inMemory() {
        Map<String, String> values = new HashMap<>();
        return new UiSettings(new Store() {
            @Override
            public String get(String key) {
                return values.get(key);
            }

            @Override
            public void put(String key, String value) {
                values.put(key, value);
            }
        });
    }

    public double windowWidth() {
        return readSize(WIDTH, DEFAULT_WIDTH);
    }

    public double windowHeight() {
        return readSize(HEIGHT, DEFAULT_HEIGHT);
    }

    public void saveWindowSize(double width, double height) {
        store.put(WIDTH, Double.toString(width));
        store.put(HEIGHT, Double.toString(height));
    }

    /** Returns the path of the last model that loaded, if any. */
    public Optional<String> lastModelPath() {
        return Optional.ofNullable(store.get(LAST_MODEL));
    }

    public void saveLastModelPath(Path path) {
        store.put(LAST_MODEL, path.toAbsolutePath().toString());
    }

    /** Returns the folder a file chooser showed last, if it still exists. */
    public Optional<Path> lastFolder() {
        return Optional.ofNullable(store.get(LAST_FOLDER)).map(Path::of).filter(path -> path.toFile().isDirectory());
    }

    public void saveLastFolder(Path folder) {
        store.put(LAST_FOLDER, folder.toAbsolutePath().toString());
    }

    /** Reads a saved size, falling back to the default when it is missing, unreadable or below 200 pixels. */
    private double readSize(String key, double fallback) {
        String saved = store.get(key);
        if (saved == null) {
            return fallback;
        }
        try {
            double size = Double.parseDouble(saved);
            return size >= 200 ? size : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
