package dev.topiary.ui;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the real models that tests run against, in the folder named by the system property
 * {@code topiary.sharedModels}. A missing model fails the test when the environment variable CI is true, and
 * skips it otherwise.
 */
final class SharedModels {

    private SharedModels() {}

    /** Returns the llama2.c checkpoint stories260K (5 layers, F = 172, vocabulary 512). */
    static Path stories260K() {
        String folder = System.getProperty("topiary.sharedModels");
        Path model = folder == null ? null : Path.of(folder, "stories260K", "stories260K.bin");
        if (model == null || !Files.isRegularFile(model)) {
            String message = "stories260K not found at " + model + "; set the system property topiary.sharedModels "
                    + "to the folder that contains stories260K/stories260K.bin";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(message);
            }
            assumeTrue(false, message);
        }
        return model.normalize();
    }
}
