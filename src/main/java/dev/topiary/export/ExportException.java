package dev.topiary.export;

import java.nio.file.Path;

/** An export that could not be written; the message names the folder and what to do. */
public class ExportException extends Exception {

    public ExportException(Path target, String message, Throwable cause) {
        super(target + ": " + message, cause);
    }

    /** Wraps a failure whose message already names the folder. */
    public ExportException(String message, Throwable cause) {
        super(message, cause);
    }

    public ExportException(Path target, String message) {
        super(target + ": " + message);
    }
}
