package dev.topiary.library;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** The platform's folder for Topiary's user settings: the user copy of models.cfg and the recent-models list. */
public final class UserFolders {

    private UserFolders() {}

    /**
     * Returns {@code $XDG_CONFIG_HOME/topiary} (or {@code ~/.config/topiary}) on Linux,
     * {@code ~/Library/Application Support/Topiary} on macOS and {@code %APPDATA%\Topiary} on Windows.
     * {@code TOPIARY_CONFIG_HOME} overrides all of them.
     */
    public static Path config(Map<String, String> environment) {
        String override = environment.get("TOPIARY_CONFIG_HOME");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        String home = System.getProperty("user.home");
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.contains("win") && environment.get("APPDATA") != null) {
            return Path.of(environment.get("APPDATA"), "Topiary");
        }
        if (os.contains("mac")) {
            return Path.of(home, "Library", "Application Support", "Topiary");
        }
        String xdg = environment.get("XDG_CONFIG_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(home, ".config")).resolve("topiary");
    }
}
