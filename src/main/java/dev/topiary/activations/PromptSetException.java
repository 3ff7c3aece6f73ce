package dev.topiary.activations;

import java.nio.file.Path;

/** A prompt file that cannot be read; the message names the file, the line and the fix. */
public class PromptSetException extends Exception {

    public PromptSetException(Path file, String message) {
        super(file + ": " + message);
    }

    public PromptSetException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
    }
}
