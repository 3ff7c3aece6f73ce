package dev.topiary.ui.training;

import dev.topiary.training.RunState;
import java.nio.file.Path;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;

/**
 * A run on the Train tab's charts: one started in this session or one read from its folder. It lives in the view
 * model, so a run keeps collecting points while its charts are hidden or the tab is not shown. FX thread only.
 */
public final class ChartedRun {

    private final String label;
    private final Path folder;
    private final RunCurves curves;
    private final BooleanProperty shown = new SimpleBooleanProperty(this, "shown", true);
    private final ObjectProperty<RunState> state = new SimpleObjectProperty<>(this, "state");

    /**
     * @param label the legend entry, unique among the charted runs
     * @param state the run's state: {@link RunState#NEW} for a run about to start, the final state for a
     *     finished run read back, or null when a stored run does not record it
     */
    public ChartedRun(String label, Path folder, RunCurves curves, RunState state) {
        this.label = label;
        this.folder = folder;
        this.curves = curves;
        this.state.set(state);
    }

    public String label() {
        return label;
    }

    public Path folder() {
        return folder;
    }

    public RunCurves curves() {
        return curves;
    }

    /** Returns whether the run's curves are drawn. */
    public BooleanProperty shownProperty() {
        return shown;
    }

    public ObjectProperty<RunState> stateProperty() {
        return state;
    }

    @Override
    public String toString() {
        return label;
    }
}
