package dev.topiary.training;

/** A training run that had to stop, such as on a loss that is not a finite number; the message names the fix. */
public class TrainingException extends Exception {

    public TrainingException(String message) {
        super(message);
    }

    public TrainingException(String message, Throwable cause) {
        super(message, cause);
    }
}
