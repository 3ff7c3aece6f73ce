package dev.topiary.ui.pruning;

import static dev.topiary.ui.pruning.ChoiceControls.availabilityCell;
import static dev.topiary.ui.pruning.ChoiceControls.bindToggles;
import static dev.topiary.ui.pruning.ChoiceControls.converter;

import dev.topiary.model.ModelConfig;
import dev.topiary.pruning.LayerChoice;
import dev.topiary.pruning.NeuronScoreMethod;
import dev.topiary.pruning.PrunePreview;
import dev.topiary.ui.Counts;
import dev.topiary.ui.pruning.PlanRequest.DepthMode;
import dev.topiary.ui.pruning.PlanRequest.WidthMode;
import dev.topiary.ui.selection.SelectedNeurons;
import java.io.File;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringBinding;
import javafx.fxml.FXML;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.RadioButton;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.SplitPane;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Window;

/**
 * The Prune tab ({@code fxml/PruneView.fxml}): binds the width and depth settings to a {@link PruneViewModel},
 * shows the sizes they give, and shows the preview that {@link PruneCommands#preview()} delivers.
 */
public final class PruneView {

    private static final String NO_VALUE = "\u2013";
    /** Narrowest and widest settings column, in pixels. When two narrowest columns do not fit, they stack. */
    private static final double MIN_COLUMN = 290;
    private static final double MAX_COLUMN = 460;

    private final PruneViewModel viewModel;
    private final PruneCommands commands;

    @FXML
    private SplitPane pruneContent;
    @FXML
    private FlowPane settingsFlow;
    @FXML
    private VBox widthColumn;
    @FXML
    private VBox depthColumn;
    @FXML
    private Label prunePlaceholder;
    @FXML
    private ToggleGroup widthGroup;
    @FXML
    private ToggleGroup depthGroup;
    @FXML
    private RadioButton keepWidthButton;
    @FXML
    private RadioButton percentButton;
    @FXML
    private RadioButton ratioButton;
    @FXML
    private RadioButton selectionButton;
    @FXML
    private Spinner<Double> percentSpinner;
    @FXML
    private Spinner<Double> ratioSpinner;
    @FXML
    private Label currentRatio;
    @FXML
    private Label selectionInfo;
    @FXML
    private Spinner<Integer> roundToSpinner;
    @FXML
    private ComboBox<PruneScore> scoreChooser;
    @FXML
    private Label importanceLabel;
    @FXML
    private ComboBox<NeuronScoreMethod> importanceChooser;
    @FXML
    private Label biasWeightLabel;
    @FXML
    private HBox biasWeightBox;
    @FXML
    private Slider biasWeightSlider;
    @FXML
    private Label biasWeightValue;
    @FXML
    private Label scoreHint;
    @FXML
    private RadioButton keepDepthButton;
    @FXML
    private RadioButton checkedDepthButton;
    @FXML
    private RadioButton countDepthButton;
    @FXML
    private FlowPane layerChecks;
    @FXML
    private ComboBox<LayerChoice> layerChoiceChooser;
    @FXML
    private Spinner<Integer> layerCountSpinner;
    @FXML
    private Label depthHint;
    @FXML
    private Label sizeIntermediate;
    @FXML
    private Label sizeLayers;
    @FXML
    private Label sizeParameters;
    @FXML
    private Label sizeSaved;
    @FXML
    private Label constraintNote;
    @FXML
    private Label planError;
    @FXML
    private Button previewButton;
    @FXML
    private Button exportButton;
    @FXML
    private ComboBox<Path> heldOutChooser;
    @FXML
    private Button browseHeldOutButton;
    @FXML
    private Spinner<Integer> previewTokensSpinner;
    @FXML
    private Spinner<Integer> previewSetPromptsSpinner;
    @FXML
    private Label perplexityLabel;
    @FXML
    private Label perplexityBefore;
    @FXML
    private Label perplexityAfter;
    @FXML
    private Label perplexityChange;
    @FXML
    private Label parametersBefore;
    @FXML
    private Label parametersAfter;
    @FXML
    private Label parametersChange;
    @FXML
    private Label previewPlan;
    @FXML
    private Label previewStale;
    @FXML
    private VBox generationsBox;
    @FXML
    private Label previewPlaceholder;

    public PruneView(PruneViewModel viewModel, PruneCommands commands) {
        this.viewModel = viewModel;
        this.commands = commands;
    }

    @FXML
    private void initialize() {
        var noModel = viewModel.configProperty().isNull();
        prunePlaceholder.setText(PruneViewModel.NO_MODEL_TEXT);
        prunePlaceholder.visibleProperty().bind(noModel);
        pruneContent.visibleProperty().bind(noModel.not());
        settingsFlow.widthProperty().addListener((property, before, width) -> fitColumns(width.doubleValue()));
        bindWidth();
        bindScore();
        bindDepth();
        refreshChoiceCells();
        bindResult();
        bindPreview();
        viewModel.configProperty().addListener((property, before, config) -> modelChanged(config));
        viewModel.lastExportProperty().addListener((property, before, outcome) -> {
            if (outcome != null) {
                ExportDialog.offerToOpen(window(), outcome, commands);
            }
        });
    }

    /** Shares the settings' width between the two columns, or gives each the whole width when they stack. */
    private void fitColumns(double width) {
        double inner = width - settingsFlow.getPadding().getLeft() - settingsFlow.getPadding().getRight();
        double half = (inner - settingsFlow.getHgap()) / 2;
        double column = half >= MIN_COLUMN ? Math.min(half, MAX_COLUMN) : Math.max(MIN_COLUMN, inner);
        widthColumn.setPrefWidth(column);
        depthColumn.setPrefWidth(column);
    }

    private void bindWidth() {
        bindToggles(widthGroup, viewModel.widthModeProperty(), keepWidthButton, WidthMode.KEEP, percentButton,
                WidthMode.PERCENT, ratioButton, WidthMode.RATIO, selectionButton, WidthMode.SELECTION);
        percentSpinner.setValueFactory(new SpinnerValueFactory.DoubleSpinnerValueFactory(0, 99, 25, 5));
        ratioSpinner.setValueFactory(new SpinnerValueFactory.DoubleSpinnerValueFactory(0.25, 64, 2, 0.25));
        roundToSpinner.setValueFactory(new SpinnerValueFactory.IntegerSpinnerValueFactory(1, 4096, 1, 8));
        percentSpinner.getValueFactory().valueProperty().bindBidirectional(viewModel.percentProperty());
        ratioSpinner.getValueFactory().valueProperty().bindBidirectional(viewModel.ratioProperty());
        roundToSpinner.getValueFactory().valueProperty().bindBidirectional(viewModel.roundToProperty());
        var mode = viewModel.widthModeProperty();
        percentSpinner.disableProperty().bind(mode.isNotEqualTo(WidthMode.PERCENT));
        ratioSpinner.disableProperty().bind(mode.isNotEqualTo(WidthMode.RATIO));
        roundToSpinner.disableProperty().bind(mode.isNotEqualTo(WidthMode.PERCENT)
                .and(mode.isNotEqualTo(WidthMode.RATIO)));
        scoreChooser.disableProperty().bind(mode.isEqualTo(WidthMode.KEEP));
        selectionInfo.textProperty().bind(Bindings.createStringBinding(this::describeSelection,
                viewModel.selectionProperty(), viewModel.configProperty()));
        currentRatio.textProperty().bind(Bindings.createStringBinding(() -> {
            ModelConfig config = viewModel.configProperty().get();
            return config == null ? "" : String.format(Locale.ROOT, "(now %.2f)",
                    (double) config.intermediateSize() / config.hiddenSize());
        }, viewModel.configProperty()));
    }

    private String describeSelection() {
        SelectedNeurons selected = viewModel.selectionProperty().get();
        if (selected.isEmpty()) {
            return "No neurons selected. Select some in the Analysis heatmap: click, drag across a layer, or "
                    + "click a layer number.";
        }
        int maxPerLayer = selected.layers().stream().mapToInt(selected::count).max().orElse(0);
        int count = selected.count();
        int layers = selected.layers().size();
        return count + (count == 1 ? " neuron" : " neurons") + " selected in " + layers
                + (layers == 1 ? " layer" : " layers") + "; every layer loses " + maxPerLayer
                + ", the most selected in one layer.";
    }

    private void bindScore() {
        scoreChooser.getItems().setAll(PruneScore.values());
        scoreChooser.setConverter(converter(PruneScore::label));
        scoreChooser.valueProperty().bindBidirectional(viewModel.scoreProperty());
        importanceChooser.getItems().setAll(NeuronScoreMethod.values());
        importanceChooser.setConverter(converter(method -> PruneScore.valueOf(method.name()).label()));
        importanceChooser.valueProperty().bindBidirectional(viewModel.fairnessImportanceProperty());
        biasWeightSlider.valueProperty().bindBidirectional(viewModel.biasWeightProperty());
        biasWeightValue.textProperty().bind(viewModel.biasWeightProperty().asString(Locale.ROOT, "%.2f"));
        var fairness = viewModel.scoreProperty().isEqualTo(PruneScore.FAIRNESS)
                .and(viewModel.widthModeProperty().isNotEqualTo(WidthMode.KEEP));
        for (Node node : new Node[] {importanceLabel, importanceChooser, biasWeightLabel, biasWeightBox}) {
            node.visibleProperty().bind(fairness);
            node.managedProperty().bind(fairness);
        }
        // Cells read the availability when they are built, so they are rebuilt when it changes.
        viewModel.analysisProperty().addListener(observable -> refreshChoiceCells());
        viewModel.biasReportProperty().addListener(observable -> refreshChoiceCells());
        scoreHint.textProperty().bind(Bindings.createStringBinding(this::describeScore, viewModel.scoreProperty(),
                viewModel.widthModeProperty(), viewModel.analysisProperty(), viewModel.biasReportProperty()));
    }

    private void refreshChoiceCells() {
        scoreChooser.setCellFactory(list -> availabilityCell(PruneScore::label, viewModel::isAvailable));
        importanceChooser.setCellFactory(list -> availabilityCell(method -> PruneScore.valueOf(method.name()).label(),
                viewModel::isAvailable));
        layerChoiceChooser.setCellFactory(list -> availabilityCell(layerChoiceChooser.getConverter()::toString,
                choice -> choice != LayerChoice.INFLUENCE || viewModel.analysisProperty().get() != null));
    }

    private String describeScore() {
        if (viewModel.widthModeProperty().get() == WidthMode.KEEP) {
            return "";
        }
        String ranking = viewModel.widthModeProperty().get() == WidthMode.SELECTION
                ? "Layers with fewer selected neurons lose their lowest-scoring ones. "
                : "Each layer keeps its highest-scoring neurons. ";
        if (viewModel.scoreProperty().get() == PruneScore.FAIRNESS) {
            return ranking + "Fairness score: importance / max − weight × bias / max.";
        }
        boolean analysis = viewModel.analysisProperty().get() != null;
        boolean bias = viewModel.biasReportProperty().get() != null;
        String missing = !analysis && !bias ? "Activation needs an analysis, fairness a bias report."
                : !analysis ? "Activation needs an analysis (Analysis tab)."
                : !bias ? "Fairness needs a bias report (Fairness tab)." : "";
        return ranking + missing;
    }

    private void bindDepth() {
        bindToggles(depthGroup, viewModel.depthModeProperty(), keepDepthButton, DepthMode.KEEP, checkedDepthButton,
                DepthMode.CHECKED, countDepthButton, DepthMode.COUNT);
        layerChoiceChooser.getItems().setAll(LayerChoice.values());
        layerChoiceChooser.setConverter(converter(choice -> switch (choice) {
            case FIRST -> "the first layers";
            case LAST -> "the last layers";
            case INFLUENCE -> "lowest influence";
        }));
        layerChoiceChooser.valueProperty().bindBidirectional(viewModel.layerChoiceProperty());
        layerCountSpinner.setValueFactory(new SpinnerValueFactory.IntegerSpinnerValueFactory(1, 1, 1));
        layerCountSpinner.getValueFactory().valueProperty().bindBidirectional(viewModel.layerCountProperty());
        var mode = viewModel.depthModeProperty();
        layerChecks.disableProperty().bind(mode.isNotEqualTo(DepthMode.CHECKED));
        layerChoiceChooser.disableProperty().bind(mode.isNotEqualTo(DepthMode.COUNT));
        layerCountSpinner.disableProperty().bind(mode.isNotEqualTo(DepthMode.COUNT));
        depthHint.textProperty().bind(Bindings.createStringBinding(() -> viewModel.analysisProperty().get() == null
                ? "Lowest influence needs an analysis of this model (Analysis tab)."
                : "Lowest influence: the layers that change the residual stream least over the analysis' prompts.",
                viewModel.analysisProperty()));
    }

    private void modelChanged(ModelConfig config) {
        layerChecks.getChildren().clear();
        if (config == null) {
            return;
        }
        int layers = config.numHiddenLayers();
        for (int layer = 0; layer < layers; layer++) {
            int index = layer;
            CheckBox check = new CheckBox(Integer.toString(layer));
            check.setId("removeLayer-" + layer);
            check.setSelected(viewModel.checkedLayers().contains(layer));
            check.selectedProperty().addListener((property, before, now) -> {
                if (now) {
                    viewModel.checkedLayers().add(index);
                } else {
                    viewModel.checkedLayers().remove(index);
                }
            });
            layerChecks.getChildren().add(check);
        }
        var factory = (SpinnerValueFactory.IntegerSpinnerValueFactory) layerCountSpinner.getValueFactory();
        factory.setMax(Math.max(1, layers - 1));
    }

    private void bindResult() {
        var sizes = viewModel.sizesProperty();
        sizeIntermediate.textProperty().bind(sizeText(s -> s.intermediateBefore() + " \u2192 "
                + s.intermediateAfter()));
        sizeLayers.textProperty().bind(sizeText(s -> s.layersBefore() + " \u2192 " + s.layersAfter()
                + (s.removedLayers().isEmpty() ? "" : " (removes " + s.removedLayers().stream().sorted()
                        .map(String::valueOf).reduce((a, b) -> a + ", " + b).orElse("") + ")")));
        sizeParameters.textProperty().bind(sizeText(s -> PlanSizes.formatCount(s.parametersBefore()) + " \u2192 "
                + PlanSizes.formatCount(s.parametersAfter())));
        sizeSaved.textProperty().bind(sizeText(s -> String.format(Locale.ROOT, "%.1f%% of the parameters",
                100 * s.savedFraction())));
        constraintNote.setText(PruneViewModel.CONSTRAINT_NOTE);
        var selectionMode = viewModel.widthModeProperty().isEqualTo(WidthMode.SELECTION);
        constraintNote.visibleProperty().bind(selectionMode);
        constraintNote.managedProperty().bind(selectionMode);
        planError.textProperty().bind(viewModel.planErrorProperty());
        planError.visibleProperty().bind(viewModel.planErrorProperty().isNotNull());
        planError.managedProperty().bind(viewModel.planErrorProperty().isNotNull());
        var unavailable = viewModel.readyBinding().not().or(commands.busyProperty());
        previewButton.disableProperty().bind(unavailable);
        exportButton.disableProperty().bind(unavailable.or(Bindings.createBooleanBinding(
                () -> sizes.get() == null || sizes.get().removesNothing(), sizes)));
    }

    private StringBinding sizeText(Function<PlanSizes, String> field) {
        return Bindings.createStringBinding(() -> {
            PlanSizes sizes = viewModel.sizesProperty().get();
            return sizes == null ? NO_VALUE : field.apply(sizes);
        }, viewModel.sizesProperty());
    }

    private void bindPreview() {
        FileChoices heldOut = viewModel.heldOut();
        heldOutChooser.setItems(heldOut.files());
        heldOutChooser.setConverter(converter(path -> path.getFileName().toString()));
        heldOutChooser.valueProperty().bindBidirectional(heldOut.chosenProperty());
        previewTokensSpinner.setValueFactory(new SpinnerValueFactory.IntegerSpinnerValueFactory(1, 1024, 32, 8));
        previewSetPromptsSpinner.setValueFactory(new SpinnerValueFactory.IntegerSpinnerValueFactory(0, 20, 2));
        previewTokensSpinner.getValueFactory().valueProperty().bindBidirectional(viewModel.previewTokensProperty());
        previewSetPromptsSpinner.getValueFactory().valueProperty()
                .bindBidirectional(viewModel.previewSetPromptsProperty());
        browseHeldOutButton.disableProperty().bind(commands.busyProperty());
        previewStale.setText(PruneViewModel.STALE_TEXT);
        previewStale.visibleProperty().bind(viewModel.previewStaleProperty());
        previewStale.managedProperty().bind(viewModel.previewStaleProperty());
        viewModel.previewProperty().addListener((property, before, outcome) -> showPreview(outcome));
        showPreview(null);
    }

    private void showPreview(PreviewOutcome outcome) {
        generationsBox.getChildren().clear();
        previewPlaceholder.setVisible(outcome == null);
        if (outcome == null) {
            previewPlaceholder.setText("Press Preview to compare greedy continuations and perplexity before and "
                    + "after pruning.");
            for (Label label : new Label[] {perplexityBefore, perplexityAfter, perplexityChange, parametersBefore,
                parametersAfter, parametersChange}) {
                label.setText(NO_VALUE);
            }
            perplexityLabel.setText("Perplexity");
            previewPlan.setText("");
            return;
        }
        PrunePreview.Result result = outcome.result();
        perplexityLabel.setText("Perplexity on " + outcome.heldOutName() + " ("
                + Counts.of(outcome.heldOutTexts(), "text") + ")");
        perplexityBefore.setText(formatPerplexity(result.perplexityBefore()));
        perplexityAfter.setText(formatPerplexity(result.perplexityAfter()));
        perplexityChange.setText(change(result.perplexityBefore(), result.perplexityAfter()));
        parametersBefore.setText(PlanSizes.formatCount(result.parametersBefore()));
        parametersAfter.setText(PlanSizes.formatCount(result.parametersAfter()));
        parametersChange.setText(change(result.parametersBefore(), result.parametersAfter()));
        previewPlan.setText("Plan: " + outcome.request().describe() + ". Intermediate size "
                + outcome.plan().intermediateSize() + ", " + Counts.of(outcome.plan().keptLayers().length, "layer")
                + ".");
        for (int index = 0; index < result.generations().size(); index++) {
            generationsBox.getChildren().add(GenerationComparison.build(index, result.generations().get(index)));
        }
    }

    private static String formatPerplexity(double value) {
        return Double.isNaN(value) ? NO_VALUE : String.format(Locale.ROOT, "%.3f", value);
    }

    private static String change(double before, double after) {
        if (Double.isNaN(before) || Double.isNaN(after) || before == 0) {
            return NO_VALUE;
        }
        return String.format(Locale.ROOT, "%+.1f%%", 100 * (after / before - 1));
    }

    @FXML
    private void onPreview() {
        commitSpinners();
        commands.preview();
    }

    @FXML
    private void onExport() {
        commitSpinners();
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("Export the pruned model to a new or empty folder");
        commands.lastFolder().map(Path::toFile).ifPresent(chooser::setInitialDirectory);
        File folder = chooser.showDialog(window());
        if (folder != null) {
            Path chosen = folder.toPath().toAbsolutePath();
            commands.rememberFolder(chosen.getParent() != null ? chosen.getParent() : chosen);
            commands.export(chosen);
        }
    }

    @FXML
    private void onBrowseHeldOut() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Choose held-out text for perplexity");
        chooser.getExtensionFilters().addAll(
                new FileChooser.ExtensionFilter("Text, one passage per line (*.txt, *.jsonl)", "*.txt", "*.jsonl"),
                new FileChooser.ExtensionFilter("All files", "*"));
        commands.lastFolder().map(Path::toFile).ifPresent(chooser::setInitialDirectory);
        File file = chooser.showOpenDialog(window());
        if (file != null) {
            commands.rememberFolder(file.toPath().toAbsolutePath().getParent());
            viewModel.heldOut().choose(file.toPath());
        }
    }

    /** Commits typed spinner values, which otherwise reach their properties only on Enter or focus loss. */
    private void commitSpinners() {
        for (Spinner<?> spinner : new Spinner<?>[] {percentSpinner, ratioSpinner, roundToSpinner, layerCountSpinner,
            previewTokensSpinner, previewSetPromptsSpinner}) {
            spinner.commitValue();
        }
    }

    private Window window() {
        return pruneContent.getScene().getWindow();
    }
}
