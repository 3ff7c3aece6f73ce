package dev.topiary.ui.analysis;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.statistics.HistogramDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Builds the JFreeChart charts of the analysis views: per-layer figures of the residual stream and the
 * activation histogram of one neuron, with fonts sized for a desktop window. Each chart is built whole, so a
 * view replaces its chart once per change instead of updating a dataset point by point.
 */
final class AnalysisCharts {

    /** Bins of the activation histogram. */
    static final int HISTOGRAM_BINS = 40;

    private static final Font TITLE_FONT = new Font("SansSerif", Font.BOLD, 13);
    private static final Font LABEL_FONT = new Font("SansSerif", Font.PLAIN, 12);
    private static final Font TICK_FONT = new Font("SansSerif", Font.PLAIN, 11);
    private static final Color GRID = new Color(0xDDDDDD);
    private static final Color LINE_BLUE = new Color(0x1F77B4);
    private static final Color LINE_ORANGE = new Color(0xD95F02);
    private static final Color BAR = new Color(0x4C72B0);
    /** Share of the value range left free above and below the data of a layer chart. */
    private static final double VALUE_MARGIN = 0.12;
    /** Layer count above which a layer chart draws smaller points. */
    private static final int MANY_LAYERS = 16;

    private AnalysisCharts() {}

    /** Returns the chart of the mean L2 norm of the residual stream leaving each layer. */
    static JFreeChart residualNorms(double[] norms) {
        return layerChart("Mean L2 norm of resid_post", "L2 norm", norms, LINE_BLUE, false);
    }

    /** Returns the chart of the mean cosine similarity between each layer's input and output residual stream. */
    static JFreeChart inputOutputCosines(double[] cosines) {
        return layerChart("Mean cos(resid_pre, resid_post)", "cosine", cosines, LINE_ORANGE, true);
    }

    private static JFreeChart layerChart(String title, String valueLabel, double[] values, Color colour,
            boolean cosine) {
        XYSeries series = new XYSeries(title);
        for (int layer = 0; layer < values.length; layer++) {
            series.add(layer, values[layer], false);
        }
        series.fireSeriesChanged();
        NumberAxis layerAxis = new NumberAxis("Layer");
        layerAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        layerAxis.setRange(-0.5, Math.max(0.5, values.length - 0.5));
        NumberAxis valueAxis = new NumberAxis(valueLabel);
        valueAxis.setAutoRangeIncludesZero(!cosine);
        // Room above and below the extreme values, so that no point is drawn on the plot's edge.
        valueAxis.setUpperMargin(VALUE_MARGIN);
        valueAxis.setLowerMargin(cosine ? VALUE_MARGIN : 0);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        renderer.setSeriesPaint(0, colour);
        renderer.setSeriesStroke(0, new BasicStroke(2f));
        if (values.length > MANY_LAYERS) {
            // The default 6-pixel squares run together with 30 layers in a chart about 280 pixels wide.
            renderer.setSeriesShape(0, new Ellipse2D.Double(-2.5, -2.5, 5, 5));
            renderer.setSeriesStroke(0, new BasicStroke(1.5f));
        }
        renderer.setDefaultToolTipGenerator((dataset, row, item) -> String.format(java.util.Locale.ROOT,
                "layer %d: %.4g", (int) dataset.getXValue(row, item), dataset.getYValue(row, item)));
        XYPlot plot = new XYPlot(new XYSeriesCollection(series), layerAxis, valueAxis, renderer);
        return styled(new JFreeChart(title, TITLE_FONT, plot, false), plot);
    }

    /**
     * Returns the histogram of one neuron's activations.
     *
     * @param threshold the capture's activation threshold, marked with a dashed line
     */
    static JFreeChart histogram(float[] values, float threshold) {
        HistogramDataset dataset = new HistogramDataset();
        double[] data = new double[values.length];
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < values.length; i++) {
            data[i] = values[i];
            min = Math.min(min, data[i]);
            max = Math.max(max, data[i]);
        }
        if (data.length > 0) {
            // Equal values would give bins of zero width, so the range is widened around them.
            double pad = min == max ? 0.5 : 0;
            dataset.addSeries("activations", data, HISTOGRAM_BINS, min - pad, max + pad);
        }
        NumberAxis valueAxis = new NumberAxis("activation a (mlp.hook_post)");
        valueAxis.setAutoRangeIncludesZero(false);
        NumberAxis countAxis = new NumberAxis("tokens");
        countAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        XYBarRenderer renderer = new XYBarRenderer(0.05);
        renderer.setBarPainter(new StandardXYBarPainter());
        renderer.setShadowVisible(false);
        renderer.setSeriesPaint(0, BAR);
        XYPlot plot = new XYPlot(dataset, valueAxis, countAxis, renderer);
        plot.setOrientation(PlotOrientation.VERTICAL);
        ValueMarker marker = new ValueMarker(threshold, Color.DARK_GRAY, new BasicStroke(1.2f, BasicStroke.CAP_BUTT,
                BasicStroke.JOIN_MITER, 10f, new float[] {4f, 3f}, 0f));
        plot.addDomainMarker(marker);
        return styled(new JFreeChart(null, TITLE_FONT, plot, false), plot);
    }

    private static JFreeChart styled(JFreeChart chart, XYPlot plot) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(4, 4, 4, 8));
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(GRID);
        plot.setRangeGridlinePaint(GRID);
        plot.setOutlinePaint(Color.GRAY);
        for (NumberAxis axis : new NumberAxis[] {(NumberAxis) plot.getDomainAxis(), (NumberAxis) plot.getRangeAxis()}) {
            axis.setLabelFont(LABEL_FONT);
            axis.setTickLabelFont(TICK_FONT);
        }
        return chart;
    }
}
