package dev.topiary.library;

/** A download from the Hugging Face Hub that failed; the message names the repo or file and what to do. */
public class HubException extends Exception {

    public HubException(String message) {
        super(message);
    }

    public HubException(String message, Throwable cause) {
        super(message, cause);
    }
}
