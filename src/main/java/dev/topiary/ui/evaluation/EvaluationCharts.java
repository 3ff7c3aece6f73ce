package dev.topiary.ui.evaluation;

import dev.topiary.evaluation.ChoiceScorer;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * Builds the bar charts of an evaluation report: perplexity, task accuracy and speed of each model divided by
 * the first model's, so the first model's bars are 1.0. Each chart is built whole from a finished report, so a
 * dataset is never redrawn point by point.
 */
public final class EvaluationCharts {

    private static final Font TITLE_FONT = new Font("SansSerif", Font.BOLD, 13);
    private static final Font LABEL_FONT = new Font("SansSerif", Font.PLAIN, 12);
    private static final Font TICK_FONT = new Font("SansSerif", Font.PLAIN, 11);
    private static final Font NOTE_FONT = new Font("SansSerif", Font.ITALIC, 10);
    private static final Color GRID = new Color(0xDDDDDD);
    /** Colour-blind safe series colours (Okabe and Ito). */
    private static final Color[] SERIES = {new Color(0x0072B2), new Color(0xE69F00), new Color(0x009E73),
        new Color(0xCC79A7), new Color(0x56B4E9), new Color(0xD55E00)};

    private EvaluationCharts() {}

    /** Returns the chart of each model's perplexity relative to the first model's; lower is better. */
    public static JFreeChart perplexity(EvaluationReport report) {
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        List<String> models = modelLabels(report);
        double first = report.rows().get(0).text().perplexity();
        for (int i = 0; i < models.size(); i++) {
            dataset.addValue(value(EvaluationReport.relative(report.rows().get(i).text().perplexity(), first)),
                    "perplexity", models.get(i));
        }
        return chart("Perplexity, lower is better", dataset, "No text set was scored.");
    }

    /** Returns the chart of each model's accuracy on each task relative to the first model's; higher is better. */
    public static JFreeChart accuracy(EvaluationReport report) {
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        List<String> models = modelLabels(report);
        for (int task = 0; task < report.taskNames().size(); task++) {
            ChoiceScorer.Result first = report.rows().get(0).tasks().get(task);
            for (int i = 0; i < models.size(); i++) {
                ChoiceScorer.Result result = report.rows().get(i).tasks().get(task);
                dataset.addValue(value(EvaluationReport.relative(result.accuracy(), first.accuracy())),
                        report.taskNames().get(task), models.get(i));
            }
        }
        return chart("Task accuracy, higher is better", dataset,
                "No task chosen: tick a task file to compare accuracy.");
    }

    /** Returns the chart of each model's prefill and decode speed relative to the first model's. */
    public static JFreeChart speed(EvaluationReport report) {
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        List<String> models = modelLabels(report);
        if (report.rows().get(0).speed() != null) {
            double prefill = report.rows().get(0).speed().prefillTokensPerSecond();
            double decode = report.rows().get(0).speed().decodeTokensPerSecond();
            for (int i = 0; i < models.size(); i++) {
                var speed = report.rows().get(i).speed();
                dataset.addValue(value(EvaluationReport.relative(speed.prefillTokensPerSecond(), prefill)), "prefill",
                        models.get(i));
                dataset.addValue(value(EvaluationReport.relative(speed.decodeTokensPerSecond(), decode)), "decode",
                        models.get(i));
            }
        }
        JFreeChart chart = chart("Tokens/s, higher is better", dataset, "Speed was not measured (speed tokens 0).");
        if (dataset.getRowCount() > 0) {
            // Short runs vary several-fold between identical runs on a loaded CPU, so the subtitle names the
            // measurement and its limit.
            TextTitle note = new TextTitle("median of 3 short runs; varies with other load on the device",
                    NOTE_FONT);
            note.setPaint(Color.DARK_GRAY);
            chart.addSubtitle(0, note);
        }
        return chart;
    }

    /** Returns unique category labels: model names, with " (2)" and so on after repeats. */
    static List<String> modelLabels(EvaluationReport report) {
        List<String> labels = new ArrayList<>();
        for (EvaluationRow row : report.rows()) {
            String label = row.name();
            for (int copy = 2; labels.contains(label); copy++) {
                label = row.name() + " (" + copy + ")";
            }
            labels.add(label);
        }
        return labels;
    }

    /** Returns the value to plot, or null for a missing ratio, which the chart leaves out. */
    private static Double value(double ratio) {
        return Double.isNaN(ratio) ? null : ratio;
    }

    private static JFreeChart chart(String title, DefaultCategoryDataset dataset, String noData) {
        // Horizontal bars, so that long model names read across on the left instead of breaking under narrow bars.
        CategoryAxis modelAxis = new CategoryAxis();
        modelAxis.setMaximumCategoryLabelWidthRatio(0.45f);
        modelAxis.setTickLabelFont(TICK_FONT);
        NumberAxis ratioAxis = new NumberAxis("\u00d7 first model");
        ratioAxis.setLabelFont(LABEL_FONT);
        ratioAxis.setTickLabelFont(TICK_FONT);
        ratioAxis.setUpperMargin(0.55);

        BarRenderer renderer = new BarRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setItemMargin(0.05);
        renderer.setMaximumBarWidth(0.18);
        for (int series = 0; series < SERIES.length; series++) {
            renderer.setSeriesPaint(series, SERIES[series]);
        }
        renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}\u00d7",
                new DecimalFormat("0.00")));
        renderer.setDefaultItemLabelsVisible(true);
        renderer.setDefaultItemLabelFont(TICK_FONT);
        renderer.setDefaultPositiveItemLabelPosition(new ItemLabelPosition(ItemLabelAnchor.OUTSIDE3,
                TextAnchor.CENTER_LEFT));
        renderer.setDefaultToolTipGenerator((data, row, column) -> String.format(Locale.ROOT, "%s, %s: %.3f\u00d7",
                data.getColumnKey(column), data.getRowKey(row), data.getValue(row, column).doubleValue()));

        CategoryPlot plot = new CategoryPlot(dataset, modelAxis, ratioAxis, renderer);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        plot.setRangeAxisLocation(AxisLocation.BOTTOM_OR_LEFT);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(GRID);
        plot.setOutlinePaint(Color.GRAY);
        plot.setNoDataMessage(noData);
        plot.setNoDataMessageFont(LABEL_FONT);
        if (dataset.getRowCount() > 0) {
            plot.addRangeMarker(new ValueMarker(1.0, Color.DARK_GRAY, new BasicStroke(1.2f, BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_MITER, 10f, new float[] {4f, 3f}, 0f)));
        }

        JFreeChart chart = new JFreeChart(title, TITLE_FONT, plot, dataset.getRowCount() > 1);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(4, 4, 4, 8));
        LegendTitle legend = chart.getLegend();
        if (legend != null) {
            legend.setPosition(RectangleEdge.BOTTOM);
            legend.setItemFont(TICK_FONT);
        }
        return chart;
    }
}
