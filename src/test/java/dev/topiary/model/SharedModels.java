package dev.topiary.model;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Locates the real models under the folder named by the system property {@code topiary.sharedModels}, which
 * the Maven build sets to {@code ../shared/models}.
 */
public final class SharedModels {

    private SharedModels() {}

    /**
     * Returns the path of a shared model file or folder. When it is missing, the calling test fails if the
     * environment variable {@code CI} is {@code true} and is skipped otherwise.
     */
    public static Path require(String relativePath) {
        String root = System.getProperty("topiary.sharedModels");
        Path path = root == null ? null : Path.of(root).resolve(relativePath);
        if (path != null && Files.exists(path)) {
            return path;
        }
        String problem = root == null
                ? "the system property topiary.sharedModels is not set"
                : path + " does not exist";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("The shared model " + relativePath + " is missing: " + problem + ". CI must provide it.");
        }
        return Assumptions.abort("The shared model " + relativePath + " is missing: " + problem + ".");
    }
}
