package dev.topiary.engine;

/** A failure of the tensor engine itself: it did not start, or it was interrupted. */
public class EngineException extends RuntimeException {

    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }

    public EngineException(String message) {
        super(message);
    }
}
