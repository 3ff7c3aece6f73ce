package dev.topiary.ui.evaluation;

/**
 * The reference model of KL divergence and top-1 agreement: the first chosen model, none, or a given model.
 *
 * @param model the model when {@code kind} is {@link Kind#MODEL}, otherwise null
 */
public record ReferenceChoice(Kind kind, ModelChoice model) {

    /** Kind of reference choice. */
    public enum Kind { FIRST, NONE, MODEL }

    public static final ReferenceChoice FIRST = new ReferenceChoice(Kind.FIRST, null);
    public static final ReferenceChoice NONE = new ReferenceChoice(Kind.NONE, null);

    /** Returns the chooser's label, such as "First model (baseline)". */
    public String label() {
        return switch (kind) {
            case FIRST -> "First model (baseline)";
            case NONE -> "None (no KL or agreement)";
            case MODEL -> model.name();
        };
    }

    /** Returns the reference among the chosen models, or null for none. */
    public ModelChoice resolve(java.util.List<ModelChoice> chosen) {
        return switch (kind) {
            case FIRST -> chosen.isEmpty() ? null : chosen.get(0);
            case NONE -> null;
            case MODEL -> model;
        };
    }
}
