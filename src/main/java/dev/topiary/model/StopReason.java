package dev.topiary.model;

/** Why a generation ended. */
public enum StopReason {
    /** The model produced one of its end tokens. */
    END_TOKEN("stopped at the end token"),
    /** The requested number of new tokens was reached. */
    MAX_NEW_TOKENS("stopped at the token limit"),
    /** The sequence filled the model's context (max_position_embeddings). */
    CONTEXT_LENGTH("stopped at the model's context length"),
    /** The caller cancelled. */
    CANCELLED("cancelled");

    private final String description;

    StopReason(String description) {
        this.description = description;
    }

    /** Returns a short phrase for status lines, such as "stopped at the token limit". */
    public String description() {
        return description;
    }
}
