package dev.topiary.ui.analysis;

import dev.topiary.activations.ActivationAnalysis;
import dev.topiary.activations.LayerStatistics;
import dev.topiary.activations.NeuronMetric;
import dev.topiary.ui.FullTextTooltips;
import dev.topiary.ui.selection.NeuronId;
import dev.topiary.ui.selection.NeuronSelection;
import java.io.File;
import java.nio.file.Path;
import java.util.Optional;
import javafx.beans.binding.Bindings;
import javafx.fxml.FXML;
import javafx.scene.canvas.Canvas;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.MenuButton;
import javafx.scene.control.SplitPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import javafx.util.StringConverter;
import org.jfree.chart.fx.ChartViewer;

/**
 * The Analysis tab ({@code fxml/AnalysisView.fxml}): the heatmap of one metric over the prompt set, the tokens of
 * one prompt coloured by the clicked neuron, and the per-layer charts. Binds to an {@link AnalysisViewModel};
 * heatmap gestures change the shared {@link NeuronSelection}.
 */
public final class AnalysisView {

    private static final double ZOOM_BUTTON_STEP = 0.5;
    /**
     * Smallest size of each per-layer chart: room for its title, the tick labels of both axes and a plot in which
     * 30 layers of points stay apart. The charts share a tab of the lower pane's whole width, which has this much
     * at the default window size.
     */
    private static final double LAYER_CHART_MIN_WIDTH = 240;
    private static final double LAYER_CHART_MIN_HEIGHT = 140;

    private final AnalysisViewModel viewModel;
    private final NeuronSelection selection;
    private final AnalysisCommands commands;
    private TokenChipsView tokenChipsView;

    @FXML
    private ComboBox<NeuronMetric> metricChooser;
    @FXML
    private CheckBox sortToggle;
    @FXML
    private Button zoomInButton;
    @FXML
    private Button zoomOutButton;
    @FXML
    private Button showAllButton;
    @FXML
    private Button saveAnalysisButton;
    @FXML
    private Button openAnalysisButton;
    @FXML
    private MenuButton exportButton;
    @FXML
    private SplitPane analysisContent;
    @FXML
    private Label analysisSummary;
    @FXML
    private PromptSetHeatmap setHeatmap;
    @FXML
    private Label analysisHoverInfo;
    @FXML
    private Label analysisPlaceholder;
    @FXML
    private ComboBox<String> promptChooser;
    @FXML
    private Label tokenLegendTitle;
    @FXML
    private Label tokenLegendLow;
    @FXML
    private Canvas tokenLegendBar;
    @FXML
    private Label tokenLegendHigh;
    @FXML
    private FlowPane tokenChips;
    @FXML
    private Label tokenHoverInfo;
    @FXML
    private HBox layerCharts;

    public AnalysisView(AnalysisViewModel viewModel, NeuronSelection selection, AnalysisCommands commands) {
        this.viewModel = viewModel;
        this.selection = selection;
        this.commands = commands;
    }

    @FXML
    private void initialize() {
        FullTextTooltips.install(analysisSummary, analysisHoverInfo, tokenHoverInfo);
        analysisPlaceholder.textProperty().bind(viewModel.placeholderProperty());
        analysisPlaceholder.visibleProperty().bind(viewModel.placeholderProperty().isNotNull());
        analysisContent.visibleProperty().bind(viewModel.placeholderProperty().isNull());
        analysisSummary.textProperty().bind(viewModel.summaryProperty());
        bindToolbar();
        bindHeatmap();
        tokenChipsView = new TokenChipsView(viewModel, promptChooser, tokenChips, tokenLegendTitle, tokenLegendLow,
                tokenLegendBar, tokenLegendHigh, tokenHoverInfo);
        viewModel.analysisProperty().addListener((property, before, now) -> showLayerCharts(now));
    }

    private void bindToolbar() {
        metricChooser.getItems().setAll(NeuronMetric.values());
        metricChooser.setConverter(new StringConverter<>() {
            @Override
            public String toString(NeuronMetric metric) {
                return metric == null ? "" : metric.label();
            }

            @Override
            public NeuronMetric fromString(String label) {
                throw new UnsupportedOperationException("The metric chooser is not editable");
            }
        });
        metricChooser.valueProperty().bindBidirectional(viewModel.metricProperty());
        sortToggle.selectedProperty().bindBidirectional(viewModel.sortedProperty());

        var noAnalysis = viewModel.analysisProperty().isNull();
        var showsAll = Bindings.createBooleanBinding(() -> setHeatmap.viewportProperty().get() == null
                || setHeatmap.viewportProperty().get().showsAll(), setHeatmap.viewportProperty());
        zoomInButton.disableProperty().bind(noAnalysis);
        zoomOutButton.disableProperty().bind(showsAll);
        showAllButton.disableProperty().bind(showsAll);
        saveAnalysisButton.disableProperty().bind(noAnalysis.or(commands.busyProperty()));
        exportButton.disableProperty().bind(noAnalysis.or(commands.busyProperty()));
        openAnalysisButton.disableProperty().bind(commands.busyProperty());
    }

    private void bindHeatmap() {
        setHeatmap.matrixProperty().bind(viewModel.heatmapProperty());
        setHeatmap.orderProperty().bind(viewModel.columnOrderProperty());
        setHeatmap.selectionProperty().bind(selection.selectedProperty());
        setHeatmap.focusedNeuronProperty().bind(viewModel.focusedNeuronProperty());
        setHeatmap.legendTitleProperty().bind(Bindings.createStringBinding(
                () -> viewModel.metricProperty().get().label(), viewModel.metricProperty()));
        analysisHoverInfo.textProperty().bind(Bindings.createStringBinding(() -> {
            int layer = setHeatmap.hoveredLayerLabelProperty().get();
            return layer >= 0
                    ? viewModel.describeLayerLabel(layer)
                    : viewModel.describe(setHeatmap.hoveredCellProperty().get());
        }, setHeatmap.hoveredCellProperty(), setHeatmap.hoveredLayerLabelProperty(), viewModel.metricProperty()));

        setHeatmap.setSelectionGestures(new PromptSetHeatmap.SelectionGestures() {
            @Override
            public void neuronClicked(NeuronId neuron, boolean add) {
                if (add) {
                    selection.toggle(neuron.layer(), neuron.neuron());
                } else {
                    selection.select(neuron.layer(), neuron.neuron());
                }
                viewModel.focus(neuron);
            }

            @Override
            public void neuronsSelected(int layer, int[] neurons, NeuronId last, boolean add) {
                selection.selectNeurons(layer, neurons, add);
                viewModel.focus(last);
            }

            @Override
            public void layerClicked(int layer, boolean add) {
                selection.selectLayer(layer, setHeatmap.columns(), add);
            }
        });
    }

    private void showLayerCharts(ActivationAnalysis analysis) {
        layerCharts.getChildren().clear();
        if (analysis == null) {
            return;
        }
        LayerStatistics layers = analysis.layers();
        double[] norms = new double[layers.layers()];
        double[] cosines = new double[layers.layers()];
        for (int layer = 0; layer < layers.layers(); layer++) {
            norms[layer] = layers.residualNorm(layer);
            cosines[layer] = layers.inputOutputCosine(layer);
        }
        ChartViewer normChart = new ChartViewer(AnalysisCharts.residualNorms(norms));
        normChart.setId("residualNormChart");
        ChartViewer cosineChart = new ChartViewer(AnalysisCharts.inputOutputCosines(cosines));
        cosineChart.setId("cosineChart");
        for (ChartViewer chart : new ChartViewer[] {normChart, cosineChart}) {
            chart.setMinSize(LAYER_CHART_MIN_WIDTH, LAYER_CHART_MIN_HEIGHT);
            chart.setPrefHeight(160);
            HBox.setHgrow(chart, Priority.ALWAYS);
        }
        layerCharts.getChildren().addAll(normChart, cosineChart);
    }

    /** Returns the set heatmap, for tests that read its cells. */
    public PromptSetHeatmap heatmap() {
        return setHeatmap;
    }

    @FXML
    private void onZoomIn() {
        setHeatmap.zoom(ZOOM_BUTTON_STEP, 0.5);
    }

    @FXML
    private void onZoomOut() {
        setHeatmap.zoom(1 / ZOOM_BUTTON_STEP, 0.5);
    }

    @FXML
    private void onShowAll() {
        setHeatmap.showAll();
    }

    /** Asks for a saved analysis folder and opens it; also run by the File menu. */
    @FXML
    public void onOpenAnalysis() {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("Open a saved analysis folder");
        commands.lastFolder().map(Path::toFile).ifPresent(chooser::setInitialDirectory);
        File folder = chooser.showDialog(window());
        if (folder != null) {
            Path chosen = folder.toPath().toAbsolutePath();
            commands.rememberFolder(chosen.getParent() != null ? chosen.getParent() : chosen);
            commands.openAnalysis(chosen);
        }
    }

    /** Asks for a new or empty folder and saves the analysis there; also run by the File menu. */
    @FXML
    public void onSaveAnalysis() {
        if (viewModel.analysisProperty().get() == null) {
            return;
        }
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("Save the analysis to a new or empty folder");
        commands.lastFolder().map(Path::toFile).ifPresent(chooser::setInitialDirectory);
        File folder = chooser.showDialog(window());
        if (folder != null) {
            Path chosen = folder.toPath().toAbsolutePath();
            commands.rememberFolder(chosen.getParent() != null ? chosen.getParent() : chosen);
            commands.saveAnalysis(chosen);
        }
    }

    @FXML
    private void onExportNeurons() {
        chooseCsv("Export the neuron table", "neurons.csv").ifPresent(commands::exportNeuronTable);
    }

    @FXML
    private void onExportLayers() {
        chooseCsv("Export the layer table", "layers.csv").ifPresent(commands::exportLayerTable);
    }

    private Optional<Path> chooseCsv(String title, String suffix) {
        ActivationAnalysis analysis = viewModel.analysisProperty().get();
        if (analysis == null) {
            return Optional.empty();
        }
        FileChooser chooser = new FileChooser();
        chooser.setTitle(title);
        chooser.setInitialFileName(analysis.info().promptSetName() + "-" + suffix);
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("CSV (*.csv)", "*.csv"));
        commands.lastFolder().map(Path::toFile).ifPresent(chooser::setInitialDirectory);
        File file = chooser.showSaveDialog(window());
        if (file == null) {
            return Optional.empty();
        }
        commands.rememberFolder(file.toPath().toAbsolutePath().getParent());
        return Optional.of(file.toPath());
    }

    private Window window() {
        return setHeatmap.getScene().getWindow();
    }
}
