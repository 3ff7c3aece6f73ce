package dev.topiary.ui.analysis;

import dev.topiary.activations.ActivationAnalysis;
import dev.topiary.activations.TopExample;
import dev.topiary.ui.FullTextTooltips;
import java.util.List;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.ListChangeListener;
import javafx.fxml.FXML;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import org.jfree.chart.fx.ChartViewer;

/**
 * The inspector on the right of the window ({@code fxml/NeuronInspector.fxml}): the metrics, weight norms,
 * activation histogram and top examples of the neuron last clicked in the Analysis heatmap. Binds to a
 * {@link NeuronDetailModel}; selecting a top example shows its prompt in the per-token view.
 */
public final class NeuronInspector {

    private static final String NO_VALUE = "\u2013";

    private final AnalysisViewModel viewModel;
    private final NeuronDetailModel detail;
    private final ChartViewer histogram = new ChartViewer();

    @FXML
    private ScrollPane inspectorContent;
    @FXML
    private Label inspectorPlaceholder;
    @FXML
    private Label neuronTitle;
    @FXML
    private GridPane metricsGrid;
    @FXML
    private Label gateNorm;
    @FXML
    private Label upNorm;
    @FXML
    private Label downNorm;
    @FXML
    private Label sampleStatus;
    @FXML
    private StackPane histogramHolder;
    @FXML
    private TableView<TopExample> topExamplesTable;
    @FXML
    private TableColumn<TopExample, String> exampleValueColumn;
    @FXML
    private TableColumn<TopExample, String> exampleTokenColumn;
    @FXML
    private TableColumn<TopExample, String> exampleContextColumn;

    public NeuronInspector(AnalysisViewModel viewModel) {
        this.viewModel = viewModel;
        this.detail = viewModel.detail();
    }

    @FXML
    private void initialize() {
        FullTextTooltips.install(sampleStatus);
        var empty = detail.neuronProperty().isNull();
        inspectorPlaceholder.setText(NeuronDetailModel.EMPTY_TEXT);
        inspectorPlaceholder.visibleProperty().bind(empty);
        inspectorContent.visibleProperty().bind(empty.not());
        neuronTitle.textProperty().bind(detail.titleProperty());
        sampleStatus.textProperty().bind(detail.sampleStatusProperty());
        detail.metrics().addListener((ListChangeListener<NeuronDetailModel.MetricValue>) change -> showMetrics());
        detail.weightNormsProperty().addListener((property, before, norms) -> showNorms(norms));
        detail.histogramValuesProperty().addListener((property, before, values) -> showHistogram(values));
        showNorms(null);

        histogram.setId("neuronHistogram");
        histogram.setVisible(false);
        histogramHolder.getChildren().add(histogram);
        bindTopExamples();
    }

    private void bindTopExamples() {
        topExamplesTable.setItems(detail.topExamples());
        topExamplesTable.setPlaceholder(new Label("No examples: the neuron never fired on the captured tokens"));
        exampleValueColumn.setCellValueFactory(row ->
                new ReadOnlyObjectWrapper<>(NeuronDetailModel.format(row.getValue().value())));
        exampleValueColumn.setStyle("-fx-alignment: CENTER-RIGHT;");
        exampleTokenColumn.setCellValueFactory(row ->
                new ReadOnlyObjectWrapper<>("\u2018" + row.getValue().token() + "\u2019"));
        exampleContextColumn.setCellValueFactory(row -> new ReadOnlyObjectWrapper<>(row.getValue().context()));
        exampleContextColumn.setCellFactory(column -> new ContextCell());
        // The context column takes the width the other two leave, less room for the vertical scroll bar.
        exampleContextColumn.prefWidthProperty().bind(topExamplesTable.widthProperty()
                .subtract(exampleValueColumn.widthProperty()).subtract(exampleTokenColumn.widthProperty())
                .subtract(20));
        topExamplesTable.getSelectionModel().selectedItemProperty().addListener((property, before, example) -> {
            if (example != null) {
                viewModel.tokens().selectedPromptProperty().set(example.promptIndex());
            }
        });
    }

    private void showMetrics() {
        metricsGrid.getChildren().clear();
        List<NeuronDetailModel.MetricValue> metrics = detail.metrics();
        for (int row = 0; row < metrics.size(); row++) {
            Label key = new Label(metrics.get(row).label());
            key.getStyleClass().add("info-key");
            Label value = new Label(metrics.get(row).value());
            value.getStyleClass().add("info-value");
            value.setId("metric-" + row);
            metricsGrid.addRow(row, key, value);
        }
    }

    private void showNorms(WeightNorms norms) {
        gateNorm.setText(norms == null ? NO_VALUE : NeuronDetailModel.format(norms.gate()));
        upNorm.setText(norms == null ? NO_VALUE : NeuronDetailModel.format(norms.up()));
        downNorm.setText(norms == null ? NO_VALUE : NeuronDetailModel.format(norms.down()));
    }

    private void showHistogram(float[] values) {
        ActivationAnalysis analysis = viewModel.analysisProperty().get();
        if (values == null || values.length == 0 || analysis == null) {
            histogram.setVisible(false);
            return;
        }
        histogram.setChart(AnalysisCharts.histogram(values, analysis.info().threshold()));
        histogram.setVisible(true);
    }

    /**
     * Shows a context on one line with its marked token ({@code [[token]]}) highlighted, cut to a few characters
     * on either side so that the token stays in view in a narrow column; the tooltip has the whole context.
     */
    private static final class ContextCell extends TableCell<TopExample, String> {

        private static final int CHARS_BEFORE = 12;
        private static final int CHARS_AFTER = 8;

        @Override
        protected void updateItem(String context, boolean empty) {
            super.updateItem(context, empty);
            setText(null);
            if (empty || context == null) {
                setGraphic(null);
                setTooltip(null);
                return;
            }
            HBox parts = new HBox();
            parts.getStyleClass().add("example-context");
            int start = context.indexOf("[[");
            int end = start < 0 ? -1 : context.indexOf("]]", start + 2);
            if (start < 0 || end < 0) {
                parts.getChildren().add(part(context, "example-text"));
            } else {
                parts.getChildren().addAll(part(tail(context.substring(0, start)), "example-text"),
                        part(context.substring(start + 2, end), "example-token"),
                        part(head(context.substring(end + 2)), "example-text"));
            }
            setGraphic(parts);
            setTooltip(new Tooltip(context.replace("[[", "\u2039").replace("]]", "\u203A")));
        }

        /** Returns one piece of the context as a label that is never cut short with an ellipsis. */
        private static Label part(String text, String styleClass) {
            Label label = new Label(text);
            label.getStyleClass().add(styleClass);
            label.setMinWidth(Region.USE_PREF_SIZE);
            return label;
        }

        private static String tail(String text) {
            return text.length() <= CHARS_BEFORE ? text : "\u2026" + text.substring(text.length() - CHARS_BEFORE);
        }

        private static String head(String text) {
            return text.length() <= CHARS_AFTER ? text : text.substring(0, CHARS_AFTER) + "\u2026";
        }
    }
}
