package dev.topiary.ui.pruning;

import dev.topiary.pruning.BiasReport;
import dev.topiary.pruning.BiasReport.BiasedNeuron;
import dev.topiary.pruning.PromptPair;
import dev.topiary.ui.FullTextTooltips;
import dev.topiary.ui.analysis.AnalysisViewModel;
import dev.topiary.ui.pruning.FairnessViewModel.AfterPruning;
import dev.topiary.ui.pruning.FairnessViewModel.Measured;
import dev.topiary.ui.selection.NeuronId;
import dev.topiary.ui.selection.NeuronSelection;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javafx.beans.binding.Bindings;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.TableView;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import javafx.util.StringConverter;
import org.jfree.chart.fx.ChartViewer;

/**
 * The Fairness tab ({@code fxml/FairnessView.fxml}): the bias report of paired prompts as charts and tables, the
 * switch to fairness scores in the Prune tab, and the report measured again with the Prune tab's plan applied.
 * A click on a biased neuron changes the shared {@link NeuronSelection}.
 */
public final class FairnessView {

    private static final String NO_VALUE = "\u2013";

    private final FairnessViewModel viewModel;
    private final PruneViewModel pruning;
    private final NeuronSelection selection;
    private final AnalysisViewModel analysis;
    private final PruneCommands commands;

    @FXML
    private ComboBox<Path> pairFileChooser;
    @FXML
    private Button browsePairsButton;
    @FXML
    private Button measureButton;
    @FXML
    private Slider fairnessBiasWeightSlider;
    @FXML
    private Label fairnessBiasWeightValue;
    @FXML
    private Button fairnessPruneButton;
    @FXML
    private Button afterButton;
    @FXML
    private Label afterPlanHint;
    @FXML
    private VBox fairnessContent;
    @FXML
    private Label fairnessPlaceholder;
    @FXML
    private Label fairnessSummary;
    @FXML
    private GridPane comparisonGrid;
    @FXML
    private Label biasBefore;
    @FXML
    private Label biasAfter;
    @FXML
    private Label biasChange;
    @FXML
    private Label klBefore;
    @FXML
    private Label klAfter;
    @FXML
    private Label klChange;
    @FXML
    private Label topTokenBefore;
    @FXML
    private Label topTokenAfter;
    @FXML
    private Label topTokenChange;
    @FXML
    private Label afterPlan;
    @FXML
    private ChartViewer layerBiasChart;
    @FXML
    private Spinner<Integer> pcaLayerSpinner;
    @FXML
    private ChartViewer pcaChart;
    @FXML
    private TableView<BiasedNeuron> biasedNeuronTable;
    @FXML
    private TableView<FairnessTables.PairRow> pairTable;

    public FairnessView(FairnessViewModel viewModel, PruneViewModel pruning, NeuronSelection selection,
            AnalysisViewModel analysis, PruneCommands commands) {
        this.viewModel = viewModel;
        this.pruning = pruning;
        this.selection = selection;
        this.analysis = analysis;
        this.commands = commands;
    }

    @FXML
    private void initialize() {
        FullTextTooltips.install(fairnessSummary);
        fairnessPlaceholder.textProperty().bind(viewModel.placeholderProperty());
        fairnessPlaceholder.visibleProperty().bind(viewModel.placeholderProperty().isNotNull());
        fairnessContent.visibleProperty().bind(viewModel.placeholderProperty().isNull());
        bindToolbar();
        FairnessTables.setUpNeurons(biasedNeuronTable, this::neuronClicked);
        FairnessTables.setUpPairs(pairTable);
        pcaLayerSpinner.setValueFactory(new SpinnerValueFactory.IntegerSpinnerValueFactory(0, 0, 0));
        pcaLayerSpinner.getValueFactory().valueProperty().bindBidirectional(viewModel.pcaLayerProperty());
        viewModel.pcaLayerProperty().addListener(observable -> showPca());
        viewModel.beforeProperty().addListener((property, before, measured) -> showReport());
        viewModel.afterProperty().addListener((property, before, measured) -> showReport());
        showReport();
    }

    private void bindToolbar() {
        pairFileChooser.setItems(viewModel.pairFiles().files());
        pairFileChooser.setConverter(new StringConverter<>() {
            @Override
            public String toString(Path path) {
                return path == null ? "" : path.getFileName().toString();
            }

            @Override
            public Path fromString(String text) {
                throw new UnsupportedOperationException("The pair file chooser is not editable");
            }
        });
        pairFileChooser.valueProperty().bindBidirectional(viewModel.pairFiles().chosenProperty());
        var busy = commands.busyProperty();
        var noModel = pruning.configProperty().isNull();
        var noReport = viewModel.beforeProperty().isNull();
        browsePairsButton.disableProperty().bind(busy);
        measureButton.disableProperty().bind(busy.or(noModel).or(pairFileChooser.valueProperty().isNull()));
        fairnessBiasWeightSlider.valueProperty().bindBidirectional(pruning.biasWeightProperty());
        fairnessBiasWeightValue.textProperty().bind(pruning.biasWeightProperty().asString(Locale.ROOT, "%.2f"));
        fairnessPruneButton.disableProperty().bind(noReport);
        afterButton.disableProperty().bind(noReport.or(busy).or(pruning.readyBinding().not()));
        afterPlanHint.textProperty().bind(Bindings.createStringBinding(() -> {
            if (viewModel.beforeProperty().get() == null) {
                return "Measure a report first. Fairness prune then ranks neurons by importance minus bias weight x "
                        + "bias in the Prune tab, and Bias after pruning measures again with its plan applied.";
            }
            String error = pruning.planErrorProperty().get();
            return error != null
                    ? "Bias after pruning needs a valid plan in the Prune tab: " + error
                    : "Bias after pruning applies the Prune tab's plan: " + pruning.request().describe() + ".";
        }, viewModel.beforeProperty(), pruning.planErrorProperty(), pruning.sizesProperty(),
                pruning.scoreProperty(), pruning.fairnessImportanceProperty(), pruning.biasWeightProperty(),
                pruning.widthModeProperty()));
    }

    private void showReport() {
        Measured measured = viewModel.beforeProperty().get();
        AfterPruning after = viewModel.afterProperty().get();
        if (measured == null) {
            // The charts stay as they are, hidden behind the empty state, because a chart viewer needs a chart.
            biasedNeuronTable.getItems().clear();
            pairTable.getItems().clear();
            fairnessSummary.setText("");
            showComparison(null, null);
            return;
        }
        BiasReport report = measured.report();
        fairnessSummary.setText(measured.name() + ", " + FairnessViewModel.summarize(report));
        layerBiasChart.setChart(FairnessCharts.layerDifferences(report.layerMeanDifference(),
                after == null ? null : after.report().layerMeanDifference()));
        var factory = (SpinnerValueFactory.IntegerSpinnerValueFactory) pcaLayerSpinner.getValueFactory();
        factory.setMax(report.layerMeanDifference().length - 1);
        showPca();
        biasedNeuronTable.getItems().setAll(report.mostBiased(FairnessViewModel.MOST_BIASED));
        pairTable.getItems().setAll(FairnessTables.pairRows(report, after == null ? null : after.report()));
        FairnessTables.showAfterColumns(pairTable, after != null);
        showComparison(report, after);
    }

    private void showPca() {
        Measured measured = viewModel.beforeProperty().get();
        Integer layer = viewModel.pcaLayerProperty().get();
        if (measured == null || layer == null || layer >= measured.report().pca().length) {
            return;
        }
        List<String> ids = new ArrayList<>();
        for (PromptPair pair : measured.pairs()) {
            ids.add(pair.id());
        }
        pcaChart.setChart(FairnessCharts.pcaScatter(measured.report().pca()[layer], ids, layer));
    }

    private void showComparison(BiasReport before, AfterPruning after) {
        boolean shown = before != null && after != null;
        comparisonGrid.setVisible(shown);
        comparisonGrid.setManaged(shown);
        afterPlan.setVisible(shown);
        afterPlan.setManaged(shown);
        if (!shown) {
            return;
        }
        BiasReport pruned = after.report();
        compare(before, pruned, BiasReport::meanActivationDifference, "%.5f", biasBefore, biasAfter, biasChange);
        compare(before, pruned, BiasReport::meanSymmetricKl, "%.4f", klBefore, klAfter, klChange);
        topTokenBefore.setText(String.format(Locale.ROOT, "%.0f%%", 100 * before.topTokenChangeRate()));
        topTokenAfter.setText(String.format(Locale.ROOT, "%.0f%%", 100 * pruned.topTokenChangeRate()));
        topTokenChange.setText(String.format(Locale.ROOT, "%+.0f points",
                100 * (pruned.topTokenChangeRate() - before.topTokenChangeRate())));
        // The bias score averages over every neuron, removed ones included, so removing neurons lowers it even when
        // the kept ones react as before.
        afterPlan.setText("Pruned with the plan: " + after.planDescription() + ". Removed neurons count as 0 in the "
                + "bias score, so compare the KL and top-token rows too.");
    }

    private static void compare(BiasReport before, BiasReport after, ToDoubleFunction<BiasReport> metric,
            String format, Label beforeLabel, Label afterLabel, Label changeLabel) {
        double valueBefore = metric.applyAsDouble(before);
        double valueAfter = metric.applyAsDouble(after);
        beforeLabel.setText(String.format(Locale.ROOT, format, valueBefore));
        afterLabel.setText(String.format(Locale.ROOT, format, valueAfter));
        changeLabel.setText(valueBefore == 0 ? NO_VALUE
                : String.format(Locale.ROOT, "%+.1f%%", 100 * (valueAfter / valueBefore - 1)));
    }

    private void neuronClicked(BiasedNeuron neuron, boolean add) {
        if (add) {
            selection.toggle(neuron.layer(), neuron.neuron());
        } else {
            selection.select(neuron.layer(), neuron.neuron());
        }
        // The inspector follows the analysis' focus; without an analysis of this model it stays as it is.
        analysis.focus(new NeuronId(neuron.layer(), neuron.neuron()));
    }

    @FXML
    private void onBrowsePairs() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Choose a file of paired prompts");
        chooser.getExtensionFilters().addAll(
                new FileChooser.ExtensionFilter("Prompt pairs (*.jsonl, *.tsv)", "*.jsonl", "*.json", "*.tsv"),
                new FileChooser.ExtensionFilter("All files", "*"));
        commands.lastFolder().map(Path::toFile).ifPresent(chooser::setInitialDirectory);
        File file = chooser.showOpenDialog(window());
        if (file != null) {
            commands.rememberFolder(file.toPath().toAbsolutePath().getParent());
            viewModel.pairFiles().choose(file.toPath());
        }
    }

    @FXML
    private void onMeasure() {
        commands.measureBias(viewModel.pairFiles().chosenProperty().get());
    }

    @FXML
    private void onFairnessPrune() {
        pruning.useFairnessScores();
        viewModel.showPruneTab();
    }

    @FXML
    private void onAfterPruning() {
        commands.measureBiasAfterPruning();
    }

    private Window window() {
        return fairnessContent.getScene().getWindow();
    }
}
