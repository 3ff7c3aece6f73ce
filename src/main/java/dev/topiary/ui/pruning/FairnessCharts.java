package dev.topiary.ui.pruning;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYLineAnnotation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Builds the JFreeChart charts of the Fairness tab, with fonts sized for a desktop window. Each chart is built
 * whole from its data, so the view replaces a chart once per change instead of updating it point by point.
 */
final class FairnessCharts {

    /** Series names of the per-layer chart. */
    static final String BEFORE = "unpruned";
    static final String AFTER = "pruned (ablated)";
    /** Series names of the PCA scatter. */
    static final String PROMPT_A = "prompt a";
    static final String PROMPT_B = "prompt b";

    private static final Font TITLE_FONT = new Font("SansSerif", Font.BOLD, 13);
    private static final Font LABEL_FONT = new Font("SansSerif", Font.PLAIN, 12);
    private static final Font TICK_FONT = new Font("SansSerif", Font.PLAIN, 11);
    private static final Color GRID = new Color(0xDDDDDD);
    private static final Color BLUE = new Color(0x1F77B4);
    private static final Color ORANGE = new Color(0xD95F02);
    private static final Color PAIR_LINE = new Color(0x999999);

    private FairnessCharts() {}

    /**
     * Returns the bar chart of each layer's mean |activation difference| between the prompts of a pair.
     *
     * @param after the same after pruning, shown as a second bar per layer, or null
     */
    static JFreeChart layerDifferences(double[] before, double[] after) {
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        for (int layer = 0; layer < before.length; layer++) {
            dataset.addValue(before[layer], BEFORE, Integer.toString(layer));
            if (after != null) {
                dataset.addValue(after[layer], AFTER, Integer.toString(layer));
            }
        }
        CategoryAxis layerAxis = new CategoryAxis("Layer");
        NumberAxis valueAxis = new NumberAxis("mean |a \u2212 b| of MLP activations");
        BarRenderer renderer = new BarRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setItemMargin(0.05);
        renderer.setSeriesPaint(0, BLUE);
        renderer.setSeriesPaint(1, ORANGE);
        renderer.setDefaultToolTipGenerator((data, row, column) -> String.format(Locale.ROOT, "layer %s, %s: %.5f",
                data.getColumnKey(column), data.getRowKey(row), data.getValue(row, column).doubleValue()));
        CategoryPlot plot = new CategoryPlot(dataset, layerAxis, valueAxis, renderer);
        JFreeChart chart = new JFreeChart("Mean |activation difference| per layer", TITLE_FONT, plot, true);
        style(chart, plot.getRangeAxis());
        layerAxis.setLabelFont(LABEL_FONT);
        layerAxis.setTickLabelFont(TICK_FONT);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(GRID);
        plot.setOutlinePaint(Color.GRAY);
        return chart;
    }

    /**
     * Returns the scatter of the pairs' mean activations of one layer on its first two principal components, with
     * a line joining the two prompts of each pair.
     *
     * @param points [2P][2]: rows 2i and 2i+1 are prompts a and b of pair i
     * @param pairIds the id of each pair, for the tooltips
     */
    static JFreeChart pcaScatter(float[][] points, List<String> pairIds, int layer) {
        XYSeries promptsA = new XYSeries(PROMPT_A, false, true);
        XYSeries promptsB = new XYSeries(PROMPT_B, false, true);
        for (int pair = 0; 2 * pair + 1 < points.length; pair++) {
            promptsA.add(points[2 * pair][0], points[2 * pair][1], false);
            promptsB.add(points[2 * pair + 1][0], points[2 * pair + 1][1], false);
        }
        promptsA.fireSeriesChanged();
        promptsB.fireSeriesChanged();
        XYSeriesCollection dataset = new XYSeriesCollection();
        dataset.addSeries(promptsA);
        dataset.addSeries(promptsB);

        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(false, true);
        Ellipse2D.Double dot = new Ellipse2D.Double(-4, -4, 8, 8);
        renderer.setSeriesShape(0, dot);
        renderer.setSeriesShape(1, dot);
        renderer.setSeriesPaint(0, BLUE);
        renderer.setSeriesPaint(1, ORANGE);
        renderer.setDefaultToolTipGenerator((data, series, item) -> String.format(Locale.ROOT, "pair %s, %s",
                item < pairIds.size() ? pairIds.get(item) : Integer.toString(item), data.getSeriesKey(series)));
        NumberAxis first = new NumberAxis("PC 1 (activation units)");
        NumberAxis second = new NumberAxis("PC 2 (activation units)");
        first.setAutoRangeIncludesZero(false);
        second.setAutoRangeIncludesZero(false);
        XYPlot plot = new XYPlot(dataset, first, second, renderer);
        BasicStroke thin = new BasicStroke(1f);
        for (int pair = 0; 2 * pair + 1 < points.length; pair++) {
            plot.addAnnotation(new XYLineAnnotation(points[2 * pair][0], points[2 * pair][1], points[2 * pair + 1][0],
                    points[2 * pair + 1][1], thin, PAIR_LINE), false);
        }
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(GRID);
        plot.setRangeGridlinePaint(GRID);
        plot.setOutlinePaint(Color.GRAY);
        JFreeChart chart = new JFreeChart("PCA of mean MLP activations, layer " + layer, TITLE_FONT, plot, true);
        style(chart, first);
        style(chart, second);
        return chart;
    }

    private static void style(JFreeChart chart, ValueAxis axis) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(4, 4, 4, 8));
        axis.setLabelFont(LABEL_FONT);
        axis.setTickLabelFont(TICK_FONT);
        LegendTitle legend = chart.getLegend();
        if (legend != null) {
            legend.setItemFont(LABEL_FONT);
            legend.setPosition(RectangleEdge.BOTTOM);
            legend.setFrame(BlockBorder.NONE);
        }
    }
}
