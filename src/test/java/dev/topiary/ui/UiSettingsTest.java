package dev.topiary.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UiSettingsTest {

    @Test
    void freshSettingsUseDefaults() {
        UiSettings settings = UiSettings.inMemory();

        assertEquals(UiSettings.DEFAULT_WIDTH, settings.windowWidth());
        assertEquals(UiSettings.DEFAULT_HEIGHT, settings.windowHeight());
        assertTrue(settings.lastModelPath().isEmpty());
        assertTrue(settings.lastFolder().isEmpty());
    }

    @Test
    void remembersSizeAndPaths(@TempDir Path folder) {
        UiSettings settings = UiSettings.inMemory();

        settings.saveWindowSize(1400, 900);
        settings.saveLastModelPath(folder.resolve("model.bin"));
        settings.saveLastFolder(folder);

        assertEquals(1400, settings.windowWidth());
        assertEquals(900, settings.windowHeight());
        assertEquals(Optional.of(folder.resolve("model.bin").toString()), settings.lastModelPath());
        assertEquals(Optional.of(folder), settings.lastFolder());
    }

    @Test
    void ignoresTinyWindowSize() {
        UiSettings settings = UiSettings.inMemory();

        settings.saveWindowSize(10, 10);

        assertEquals(UiSettings.DEFAULT_WIDTH, settings.windowWidth());
        assertEquals(UiSettings.DEFAULT_HEIGHT, settings.windowHeight());
    }

    @Test
    void forgetsFolderThatNoLongerExists(@TempDir Path folder) {
        UiSettings settings = UiSettings.inMemory();

        settings.saveLastFolder(folder.resolve("deleted"));

        assertTrue(settings.lastFolder().isEmpty());
    }
}
