package dev.topiary;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the real models shipped beside the checkout in {@code ../shared/models}. When {@code CI=true}, a
 * missing model fails the test: CI must never pass by skipping the checks that use real weights.
 */
public final class SharedModels {

    private SharedModels() {}

    /** Returns the path of a file or folder under the shared models folder, failing or skipping when absent. */
    public static Path require(String relativePath) {
        String root = System.getProperty("topiary.sharedModels", "../shared/models");
        Path path = Path.of(root).resolve(relativePath).toAbsolutePath().normalize();
        if (!Files.exists(path)) {
            String message = "Model file " + path + " is missing. Place the shared models folder beside the "
                    + "checkout (../shared/models) or set -Dtopiary.sharedModels.";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(message);
            }
            assumeTrue(false, message);
        }
        return path;
    }

    /** Returns the stories260K llama2.c checkpoint. */
    public static Path stories260K() {
        return require("stories260K/stories260K.bin");
    }
}
