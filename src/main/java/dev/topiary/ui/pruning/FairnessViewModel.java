package dev.topiary.ui.pruning;

import dev.topiary.pruning.BiasReport;
import dev.topiary.pruning.PromptPair;
import dev.topiary.ui.Counts;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;

/**
 * State of the Fairness tab: the pair files, the bias report measured on the open model, the report measured
 * again with a pruning plan applied, and the layer the PCA scatter shows. Use it on the FX thread only.
 */
public final class FairnessViewModel {

    /** Empty-state text before any model is open. */
    public static final String NO_MODEL_TEXT = "Open a model, then choose a file of paired prompts and press "
            + "Measure to see how its neurons react to the attribute the prompts differ in.";
    /** Empty-state text once a model is open but nothing has been measured. */
    public static final String NO_REPORT_TEXT = "Choose a file of paired prompts above (JSONL with \"a\", \"b\" "
            + "and \"attribute\", or TSV) and press Measure.";
    /** Number of neurons in the table of the most biased ones. */
    public static final int MOST_BIASED = 30;

    /**
     * A bias report with the pairs it was measured on.
     *
     * @param file the pair file
     * @param name the pair file's name without extension
     */
    public record Measured(BiasReport report, List<PromptPair> pairs, Path file, String name) {}

    /** A bias report measured with a plan applied, and the plan's description. */
    public record AfterPruning(BiasReport report, String planDescription) {}

    private final FileChoices pairFiles = new FileChoices();
    private final ReadOnlyObjectWrapper<Measured> before = new ReadOnlyObjectWrapper<>(this, "before");
    private final ReadOnlyObjectWrapper<AfterPruning> after = new ReadOnlyObjectWrapper<>(this, "after");
    private final ObjectProperty<Integer> pcaLayer = new SimpleObjectProperty<>(this, "pcaLayer", 0);
    private final ReadOnlyStringWrapper placeholder = new ReadOnlyStringWrapper(this, "placeholder", NO_MODEL_TEXT);
    private Runnable showPruneTab = () -> {};

    /** Follows a model change: the reports of the old model no longer apply. */
    public void setModelOpen(boolean open) {
        before.set(null);
        after.set(null);
        pcaLayer.set(0);
        placeholder.set(open ? NO_REPORT_TEXT : NO_MODEL_TEXT);
    }

    /** Shows a report of the unpruned model and drops the report after pruning, which compared with an older one. */
    public void show(Measured measured) {
        after.set(null);
        before.set(measured);
        int layers = measured.report().layerMeanDifference().length;
        if (pcaLayer.get() == null || pcaLayer.get() >= layers) {
            pcaLayer.set(0);
        }
        placeholder.set(null);
    }

    /** Shows a report measured with a plan applied, beside the one before. */
    public void showAfter(AfterPruning measured) {
        after.set(measured);
    }

    /** Describes a report in one line: pairs, bias score, mean KL and top-token change rate. */
    public static String summarize(BiasReport report) {
        return String.format(Locale.ROOT, "%s: bias score (mean |activation difference|) %.5f; next-token "
                + "symmetric KL %.4f nats on average; top token changed in %.0f%% of pairs",
                Counts.of(report.divergences().size(), "pair"), report.meanActivationDifference(),
                report.meanSymmetricKl(),
                100 * report.topTokenChangeRate());
    }

    /** Sets what "Fairness prune" runs after switching the Prune tab to fairness scores: showing that tab. */
    public void setShowPruneTab(Runnable action) {
        showPruneTab = action;
    }

    /** Shows the Prune tab. */
    public void showPruneTab() {
        showPruneTab.run();
    }

    public FileChoices pairFiles() {
        return pairFiles;
    }

    /** Returns the property of the report on the unpruned model; null before the first measure. */
    public ReadOnlyObjectProperty<Measured> beforeProperty() {
        return before.getReadOnlyProperty();
    }

    /** Returns the property of the report with the plan applied; null until one is measured. */
    public ReadOnlyObjectProperty<AfterPruning> afterProperty() {
        return after.getReadOnlyProperty();
    }

    /** Returns the property of the layer whose activations the PCA scatter shows. */
    public ObjectProperty<Integer> pcaLayerProperty() {
        return pcaLayer;
    }

    /** Returns the property of the empty-state text; null while a report is shown. */
    public ReadOnlyStringProperty placeholderProperty() {
        return placeholder.getReadOnlyProperty();
    }
}
