package dev.topiary.ui;

/**
 * A choice made in the window that a job cannot use, such as a model without a tokenizer ticked for evaluation. It
 * carries the fix in the window's own terms, which the error dialog shows in place of a generic hint.
 */
public final class ChoiceException extends IllegalArgumentException {

    private final String fix;

    /**
     * @param message what is wrong, naming the model, file or value
     * @param fix what to do in the window, such as which control to change
     */
    public ChoiceException(String message, String fix) {
        super(message);
        this.fix = fix;
    }

    /** Returns what the user can do in the window to fix the failure. */
    public String fix() {
        return fix;
    }

    /**
     * Rejects a model without a tokenizer for a job that encodes text.
     *
     * @param use what the job encodes, such as "the prompt"
     * @param fix what to do in the window
     */
    public static void requireTokenizer(LoadedModel loaded, String use, String fix) {
        if (!loaded.summary().hasTokenizer()) {
            throw new ChoiceException(loaded.summary().source() + " has no tokenizer, so " + use
                    + " cannot be encoded.", fix);
        }
    }
}
