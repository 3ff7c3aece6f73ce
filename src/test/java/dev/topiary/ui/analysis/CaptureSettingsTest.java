package dev.topiary.ui.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureSettingsTest {

    @TempDir
    Path folder;

    @Test
    void listFolderPrefersStoriesFile() throws IOException {
        Path pairs = Files.writeString(folder.resolve("fairness-pairs.jsonl"), "{\"a\": \"he\", \"b\": \"she\"}\n");
        Path stories = Files.writeString(folder.resolve("stories.txt"), "Once upon a time\n");

        CaptureSettings settings = new CaptureSettings();
        settings.listFolder(folder);

        assertEquals(List.of(pairs.toAbsolutePath(), stories.toAbsolutePath()), settings.promptFiles());
        assertEquals(stories.toAbsolutePath(), settings.promptFileProperty().get());
    }

    @Test
    void listFolderWithoutStoriesChoosesFirst() throws IOException {
        Path first = Files.writeString(folder.resolve("a.txt"), "One\n");
        Files.writeString(folder.resolve("b.txt"), "Two\n");

        CaptureSettings settings = new CaptureSettings();
        settings.listFolder(folder);

        assertEquals(first.toAbsolutePath(), settings.promptFileProperty().get());
    }

    @Test
    void listFolderKeepsEarlierChoice() throws IOException {
        Path chosen = Files.writeString(folder.resolve("mine.txt"), "Mine\n");
        Files.writeString(folder.resolve("stories.txt"), "Once upon a time\n");

        CaptureSettings settings = new CaptureSettings();
        settings.choose(chosen);
        settings.listFolder(folder);

        assertEquals(chosen.toAbsolutePath(), settings.promptFileProperty().get());
    }
}
