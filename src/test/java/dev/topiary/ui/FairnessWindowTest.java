package dev.topiary.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.topiary.ui.WindowDriver.showTab;
import static dev.topiary.ui.WindowDriver.text;
import static dev.topiary.ui.WindowDriver.waitUntil;
import static dev.topiary.ui.WindowDriver.openStories260K;

import dev.topiary.pruning.BiasReport;
import dev.topiary.pruning.PairDivergence;
import dev.topiary.ui.pruning.FairnessViewModel;
import dev.topiary.ui.pruning.PlanRequest.WidthMode;
import dev.topiary.ui.pruning.PruneScore;
import dev.topiary.ui.selection.SelectedNeurons;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import javafx.scene.Node;
import javafx.scene.control.Labeled;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.framework.junit5.Stop;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Drives the Fairness tab headless on the real stories260K model with the 16 gendered story pairs of
 * sample-prompts: the report's charts and tables, selecting a biased neuron, and the report after fairness pruning.
 */
@ExtendWith(ApplicationExtension.class)
class FairnessWindowTest {

    private static final Path PAIRS = Path.of("sample-prompts/fairness-pairs-stories.jsonl");
    private static final String FAIRNESS_TAB = "Fairness";
    private static final String PRUNE_TAB = "Prune";

    private MainWindow window;

    @Start
    void start(Stage stage) {
        window = MainWindow.show(stage, UiSettings.inMemory());
    }

    @Stop
    void stop() {
        window.close();
    }

    @Test
    void reportShowsLayersPcaAndPairs(FxRobot robot) throws TimeoutException {
        BiasReport report = openModelAndMeasure(robot);
        CategoryDataset layers = ((CategoryPlot) chart(robot, "#layerBiasChart").getPlot()).getDataset();
        assertEquals(1, layers.getRowCount());
        assertEquals(5, layers.getColumnCount());
        for (int layer = 0; layer < 5; layer++) {
            assertEquals(report.layerMeanDifference()[layer], layers.getValue(0, layer).doubleValue(), 1e-12);
        }
        XYPlot pca = (XYPlot) chart(robot, "#pcaChart").getPlot();
        XYDataset points = pca.getDataset();
        assertEquals(2, points.getSeriesCount());
        assertEquals(2 * 16, points.getItemCount(0) + points.getItemCount(1));
        assertEquals(16, pca.getAnnotations().size(), "one line per pair");
        assertEquals(report.pca()[0][1][0], points.getXValue(1, 0), 1e-6, "prompt b of the first pair");

        showPairs(robot);
        TableView<?> pairs = robot.lookup("#pairTable").queryAs(TableView.class);
        assertEquals(16, pairs.getItems().size());
        assertNothingElided(robot, "#pairTable");
        // The table builds rows only for the pairs on screen; each of those is highlighted when its top tokens differ.
        List<TableRow<?>> rows = new ArrayList<>();
        for (Node node : robot.lookup("#pairTable .table-row-cell").queryAll()) {
            if (node instanceof TableRow<?> row && !row.isEmpty()) {
                rows.add(row);
            }
        }
        assertTrue(rows.size() >= 3, rows.size() + " rows on screen");
        for (TableRow<?> row : rows) {
            PairDivergence pair = report.divergences().get(row.getIndex());
            assertEquals(pair.topTokenChanged(), row.getStyleClass().contains("changed-pair"), "pair " + pair.pair());
        }
        assertTrue(text(robot, "#fairnessSummary").startsWith("fairness-pairs-stories, 16 pairs: bias score"),
                text(robot, "#fairnessSummary"));

        // The PCA follows the chosen layer.
        robot.interact(() -> window.viewModel().fairness().pcaLayerProperty().set(3));
        XYDataset layerThree = ((XYPlot) chart(robot, "#pcaChart").getPlot()).getDataset();
        assertEquals(report.pca()[3][0][1], layerThree.getYValue(0, 0), 1e-6);
        assertEquals("PCA of mean MLP activations, layer 3", chart(robot, "#pcaChart").getTitle().getText());
    }

    @Test
    void clickedBiasedNeuronIsSelected(FxRobot robot) throws TimeoutException {
        BiasReport report = openModelAndMeasure(robot);
        @SuppressWarnings("unchecked")
        TableView<BiasReport.BiasedNeuron> neurons = robot.lookup("#biasedNeuronTable").queryAs(TableView.class);
        assertEquals(report.mostBiased(FairnessViewModel.MOST_BIASED), neurons.getItems());
        assertNothingElided(robot, "#biasedNeuronTable");

        List<Node> rows = List.copyOf(robot.lookup("#biasedNeuronTable .table-row-cell").queryAll());
        robot.clickOn(rows.get(1));
        WaitForAsyncUtils.waitForFxEvents();

        BiasReport.BiasedNeuron second = report.mostBiased(2).get(1);
        assertEquals(SelectedNeurons.of(second.layer(), second.neuron()), window.viewModel().selection().selected());
        assertEquals("1 neuron in 1 layer", text(robot, "#selectionSummary"));
    }

    @Test
    void fairnessPruneMeasuresBeforeAndAfter(FxRobot robot) throws TimeoutException {
        BiasReport before = openModelAndMeasure(robot);
        robot.interact(() -> window.viewModel().pruning().biasWeightProperty().set(2.0));

        robot.clickOn("#fairnessPruneButton");
        WaitForAsyncUtils.waitForFxEvents();
        TabPane tabs = robot.lookup("#stageTabs").queryAs(TabPane.class);
        assertEquals(PRUNE_TAB, tabs.getSelectionModel().getSelectedItem().getText());
        assertEquals(PruneScore.FAIRNESS, window.viewModel().pruning().scoreProperty().get());
        assertEquals(WidthMode.PERCENT, window.viewModel().pruning().widthModeProperty().get());
        assertTrue(robot.lookup("#biasWeightBox").query().isVisible());
        // The default target removes 25% of 172 neurons, keeping 129.
        assertEquals("172 \u2192 129", text(robot, "#sizeIntermediate"));

        showTab(robot, FAIRNESS_TAB);
        robot.clickOn("#afterButton");
        waitUntil(() -> window.viewModel().fairness().afterProperty().get() != null
                && !window.viewModel().busyProperty().get());

        BiasReport after = window.viewModel().fairness().afterProperty().get().report();
        assertEquals(16, after.divergences().size());
        // Pruned neurons are zero under the ablation, so at least 43 neurons per layer show no bias.
        for (int layer = 0; layer < 5; layer++) {
            int silent = 0;
            for (float bias : after.neuronBias()[layer]) {
                silent += bias == 0f ? 1 : 0;
            }
            assertTrue(silent >= 43, silent + " neurons without bias in layer " + layer);
        }
        assertTrue(robot.lookup("#comparisonGrid").query().isVisible());
        assertEquals(String.format(Locale.ROOT, "%.5f", before.meanActivationDifference()), text(robot, "#biasBefore"));
        assertEquals(String.format(Locale.ROOT, "%.5f", after.meanActivationDifference()), text(robot, "#biasAfter"));
        assertTrue(text(robot, "#afterPlan").contains("fairness (l2 importance, bias weight 2.00)"),
                text(robot, "#afterPlan"));
        CategoryDataset layers = ((CategoryPlot) chart(robot, "#layerBiasChart").getPlot()).getDataset();
        assertEquals(2, layers.getRowCount(), "bars before and after per layer");
        assertEquals(after.layerMeanDifference()[4], layers.getValue(1, 4).doubleValue(), 1e-12);
        showPairs(robot);
        TableView<?> pairs = robot.lookup("#pairTable").queryAs(TableView.class);
        TableColumn<?, ?> klAfter = pairs.getColumns().stream().filter(column -> "klAfterColumn".equals(column.getId()))
                .findFirst().orElseThrow();
        assertTrue(klAfter.isVisible());
        assertEquals(String.format(Locale.ROOT, "%.4f", after.divergences().get(0).symmetricKl()),
                klAfter.getCellData(0));

        // Measuring again drops the comparison, which belonged to the earlier report.
        robot.clickOn("#measureButton");
        waitUntil(() -> window.viewModel().fairness().beforeProperty().get().report() != before
                && !window.viewModel().busyProperty().get());
        assertNull(window.viewModel().fairness().afterProperty().get());
        assertFalse(robot.lookup("#comparisonGrid").query().isVisible());
        assertFalse(klAfter.isVisible());
    }

    private BiasReport openModelAndMeasure(FxRobot robot) throws TimeoutException {
        openStories260K(robot, window);
        showTab(robot, FAIRNESS_TAB);
        assertEquals(FairnessViewModel.NO_REPORT_TEXT, text(robot, "#fairnessPlaceholder"));
        robot.interact(() -> window.viewModel().fairness().pairFiles().choose(PAIRS));
        robot.clickOn("#measureButton");
        waitUntil(() -> window.viewModel().fairness().beforeProperty().get() != null
                && !window.viewModel().busyProperty().get());
        FairnessViewModel.Measured measured = window.viewModel().fairness().beforeProperty().get();
        assertNotNull(measured);
        assertFalse(robot.lookup("#fairnessPlaceholder").query().isVisible());
        return measured.report();
    }

    /** Asserts that every header and cell of a table shows its whole text, with no ellipsis. */
    private static void assertNothingElided(FxRobot robot, String table) {
        Set<Node> texts = new LinkedHashSet<>(robot.lookup(table + " .column-header .label .text").queryAll());
        texts.addAll(robot.lookup(table + " .table-cell .text").queryAll());
        assertFalse(texts.isEmpty(), table + " shows no text");
        for (Node node : texts) {
            String shown = ((Text) node).getText();
            Labeled owner = (Labeled) node.getParent();
            // Empty rows below the data show "" for a null text.
            String full = owner.getText() == null ? "" : owner.getText();
            assertEquals(full, shown, table + " elides a header or cell");
        }
    }

    /** Shows the Pairs tab below the charts: a table builds its rows only while it is on screen. */
    private static void showPairs(FxRobot robot) {
        TabPane tables = robot.lookup("#fairnessTables").queryAs(TabPane.class);
        robot.interact(() -> tables.getSelectionModel().select(1));
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static JFreeChart chart(FxRobot robot, String query) {
        return robot.lookup(query).queryAs(ChartViewer.class).getChart();
    }
}
