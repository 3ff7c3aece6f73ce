package dev.topiary.ui.evaluation;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;

/** A model the Evaluate tab offers, with the check box that picks it. */
public final class EvaluationCandidate {

    /** Origin of a candidate. */
    public enum Source {
        /** The model open in the window. */
        OPEN("open"),
        /** A model made or added in this session, such as an exported pruned folder. */
        SESSION("session"),
        /** A local model of the library. */
        LIBRARY("library");

        private final String label;

        Source(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final ModelChoice model;
    private final Source source;
    private final BooleanProperty chosen = new SimpleBooleanProperty(this, "chosen");

    public EvaluationCandidate(ModelChoice model, Source source) {
        this.model = model;
        this.source = source;
    }

    public ModelChoice model() {
        return model;
    }

    public Source source() {
        return source;
    }

    /** Returns whether the candidate is ticked for the next run. */
    public BooleanProperty chosenProperty() {
        return chosen;
    }

    @Override
    public String toString() {
        return model.name() + " (" + source.label() + ")";
    }
}
