package dev.topiary.model;

import java.nio.file.Path;

/**
 * A checkpoint, config or tokenizer file that cannot be read as a model. The message names the file, what
 * was expected, what was found and what to do, and is meant to be shown to the user as it is.
 */
public class ModelFormatException extends Exception {

    private final transient Path file;

    public ModelFormatException(Path file, String message) {
        super(file + ": " + message);
        this.file = file;
    }

    public ModelFormatException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
        this.file = file;
    }

    /** Returns the file at fault. */
    public Path file() {
        return file;
    }
}
