package dev.topiary.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ModelPathsTest {

    @Test
    void keepsPlainPath() {
        assertEquals(Path.of("/models/tiny.bin"), ModelPaths.parse("/models/tiny.bin"));
    }

    @Test
    void stripsWhitespaceAndQuotes() {
        assertEquals(Path.of("/models/my model"), ModelPaths.parse("  \"/models/my model\"\n"));
        assertEquals(Path.of("/models/my model"), ModelPaths.parse("'/models/my model'"));
    }

    @Test
    void keepsUnmatchedQuote() {
        assertEquals(Path.of("\"/models/a"), ModelPaths.parse("\"/models/a"));
    }

    @Test
    void expandsHomeFolder() {
        String home = System.getProperty("user.home");

        assertEquals(Path.of(home, "models", "tiny.bin"), ModelPaths.parse("~/models/tiny.bin"));
        assertEquals(Path.of(home), ModelPaths.parse("~"));
    }
}
