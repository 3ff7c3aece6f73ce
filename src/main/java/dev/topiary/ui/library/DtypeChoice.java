package dev.topiary.ui.library;

import dev.topiary.engine.ComputeDtype;

/**
 * The window's dtype choice: a dtype, or the default of the model's models.cfg entry and the system settings. Each
 * label states what the choice means, because "default" and "auto" alone read as the same thing.
 */
public enum DtypeChoice {
    DEFAULT("as models.cfg says", null),
    AUTO("auto (float16 on GPU, float32 on CPU)", ComputeDtype.AUTO),
    FLOAT32("float32", ComputeDtype.FLOAT32),
    FLOAT16("float16", ComputeDtype.FLOAT16);

    private final String label;
    private final ComputeDtype request;

    DtypeChoice(String label, ComputeDtype request) {
        this.label = label;
        this.request = request;
    }

    /** Returns the requested dtype, or null for {@link #DEFAULT}. */
    public ComputeDtype request() {
        return request;
    }

    @Override
    public String toString() {
        return label;
    }
}
