package dev.topiary.ui.training;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.text.DecimalFormat;
import java.text.NumberFormat;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The Train tab's four scalar charts, TensorBoard-like: step on x, one colour per run, each run's raw values
 * faint under their smoothed curve, a legend of runs, and an optional log scale. {@link #update} rebuilds every
 * series with the chart's change events held back, so each chart redraws once per update however many points
 * arrived. FX thread only, as the charts' viewers redraw there.
 */
public final class TrainingCharts {

    /** The four chart positions; the held-out chart shows loss or perplexity. */
    public enum Slot {
        TRAIN_LOSS("Training loss", "loss (nats)", true),
        HELD_OUT("Held-out loss", "loss (nats)", false),
        LEARNING_RATE("Learning rate", "learning rate", false),
        TOKENS_PER_SECOND("Training speed", "tokens/s", true);

        private final String title;
        private final String axisLabel;
        private final boolean smoothed;

        Slot(String title, String axisLabel, boolean smoothed) {
            this.title = title;
            this.axisLabel = axisLabel;
            this.smoothed = smoothed;
        }
    }

    private static final Font TITLE_FONT = new Font("SansSerif", Font.BOLD, 13);
    private static final Font LABEL_FONT = new Font("SansSerif", Font.PLAIN, 12);
    private static final Font TICK_FONT = new Font("SansSerif", Font.PLAIN, 11);
    private static final Color GRID = new Color(0xDDDDDD);
    /** Colour-blind safe run colours (Okabe and Ito). */
    private static final Color[] RUN_COLOURS = {new Color(0x0072B2), new Color(0xE69F00), new Color(0x009E73),
        new Color(0xCC79A7), new Color(0x56B4E9), new Color(0xD55E00), new Color(0x000000)};
    /** How much of a run's colour its raw values keep under the smoothed curve. */
    private static final int RAW_ALPHA = 70;
    private static final String NO_DATA = "No points yet: start a run, or load a finished run's folder.";

    private final JFreeChart[] charts = new JFreeChart[Slot.values().length];

    public TrainingCharts() {
        for (Slot slot : Slot.values()) {
            charts[slot.ordinal()] = build(slot);
        }
    }

    /** Returns the chart at a position. */
    public JFreeChart chart(Slot slot) {
        return charts[slot.ordinal()];
    }

    /**
     * Redraws every chart from the shown runs.
     *
     * @param runs all charted runs; hidden ones keep their colour so colours do not move when one is hidden
     * @param smoothing the weight of {@link Smoothing#exponential} for the training loss and speed charts
     * @param heldOut {@link Metric#EVAL_LOSS} or {@link Metric#EVAL_PERPLEXITY}
     */
    public void update(List<ChartedRun> runs, double smoothing, boolean logScale, Metric heldOut) {
        for (Slot slot : Slot.values()) {
            Metric metric = switch (slot) {
                case TRAIN_LOSS -> Metric.TRAIN_LOSS;
                case HELD_OUT -> heldOut;
                case LEARNING_RATE -> Metric.LEARNING_RATE;
                case TOKENS_PER_SECOND -> Metric.TOKENS_PER_SECOND;
            };
            JFreeChart chart = chart(slot);
            chart.setNotify(false);
            try {
                fill(chart, slot, metric, runs, slot.smoothed ? smoothing : 0, logScale);
            } finally {
                chart.setNotify(true);
            }
        }
    }

    private static void fill(JFreeChart chart, Slot slot, Metric metric, List<ChartedRun> runs, double smoothing,
            boolean logScale) {
        XYPlot plot = chart.getXYPlot();
        XYSeriesCollection dataset = (XYSeriesCollection) plot.getDataset();
        XYLineAndShapeRenderer renderer = (XYLineAndShapeRenderer) plot.getRenderer();
        dataset.removeAllSeries();
        boolean sparse = metric == Metric.EVAL_LOSS || metric == Metric.EVAL_PERPLEXITY;
        for (int index = 0; index < runs.size(); index++) {
            ChartedRun run = runs.get(index);
            if (!run.shownProperty().get()) {
                continue;
            }
            Color colour = RUN_COLOURS[index % RUN_COLOURS.length];
            int[] steps = run.curves().steps(metric);
            double[] values = run.curves().values(metric);
            if (smoothing > 0) {
                Color faint = new Color(colour.getRed(), colour.getGreen(), colour.getBlue(), RAW_ALPHA);
                addSeries(dataset, renderer, run.label() + " (raw)", steps, values, logScale, faint, 1f, false,
                        false);
                addSeries(dataset, renderer, run.label(), steps, Smoothing.exponential(values, smoothing), logScale,
                        colour, 2f, sparse, true);
            } else {
                addSeries(dataset, renderer, run.label(), steps, values, logScale, colour, 1.5f, sparse, true);
            }
        }
        String title = slot == Slot.HELD_OUT ? metric.title() : slot.title;
        chart.setTitle(title);
        chart.getTitle().setFont(TITLE_FONT);
        String axisLabel = metric == Metric.EVAL_PERPLEXITY ? "perplexity" : slot.axisLabel;
        plot.setRangeAxis(rangeAxis(axisLabel, metric, logScale));
    }

    private static void addSeries(XYSeriesCollection dataset, XYLineAndShapeRenderer renderer, String key,
            int[] steps, double[] values, boolean logScale, Color colour, float width, boolean shapes,
            boolean inLegend) {
        XYSeries series = new XYSeries(key, false, true);
        for (int i = 0; i < steps.length; i++) {
            // A log axis has no place for zero or negative values, so those points are left out.
            if (Double.isFinite(values[i]) && (!logScale || values[i] > 0)) {
                series.add(steps[i], values[i], false);
            }
        }
        dataset.addSeries(series);
        int index = dataset.getSeriesCount() - 1;
        renderer.setSeriesPaint(index, colour);
        renderer.setSeriesStroke(index, new BasicStroke(width));
        renderer.setSeriesShapesVisible(index, shapes);
        renderer.setSeriesVisibleInLegend(index, inLegend);
    }

    private static ValueAxis rangeAxis(String label, Metric metric, boolean logScale) {
        NumberFormat format = metric == Metric.LEARNING_RATE ? new LearningRateFormat()
                : metric == Metric.TOKENS_PER_SECOND ? new DecimalFormat("#,##0") : new DecimalFormat("0.###");
        ValueAxis axis;
        if (logScale) {
            LogAxis log = new LogAxis(label);
            log.setBase(10);
            log.setSmallestValue(1e-12);
            log.setNumberFormatOverride(format);
            axis = log;
        } else {
            NumberAxis linear = new NumberAxis(label);
            linear.setAutoRangeIncludesZero(metric == Metric.LEARNING_RATE || metric == Metric.TOKENS_PER_SECOND);
            linear.setNumberFormatOverride(format);
            axis = linear;
        }
        axis.setLabelFont(LABEL_FONT);
        axis.setTickLabelFont(TICK_FONT);
        return axis;
    }

    private static JFreeChart build(Slot slot) {
        NumberAxis stepAxis = new NumberAxis("step");
        stepAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        stepAxis.setAutoRangeIncludesZero(false);
        stepAxis.setLabelFont(LABEL_FONT);
        stepAxis.setTickLabelFont(TICK_FONT);

        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        renderer.setDefaultToolTipGenerator((dataset, series, item) -> String.format(Locale.ROOT, "%s, step %d: %.5g",
                dataset.getSeriesKey(series), (long) dataset.getXValue(series, item),
                dataset.getYValue(series, item)));
        XYPlot plot = new XYPlot(new XYSeriesCollection(), stepAxis, rangeAxis(slot.axisLabel, Metric.TRAIN_LOSS,
                false), renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(GRID);
        plot.setRangeGridlinePaint(GRID);
        plot.setOutlinePaint(Color.GRAY);
        plot.setNoDataMessage(NO_DATA);
        plot.setNoDataMessageFont(LABEL_FONT);

        JFreeChart chart = new JFreeChart(slot.title, TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(4, 4, 4, 8));
        LegendTitle legend = chart.getLegend();
        legend.setPosition(RectangleEdge.BOTTOM);
        legend.setItemFont(TICK_FONT);
        return chart;
    }

    /** Formats learning rates as PyTorch prints them, such as 5e-04 read as "5e-4", and zero as "0". */
    private static final class LearningRateFormat extends NumberFormat {

        private final DecimalFormat scientific = new DecimalFormat("0.##E0");

        @Override
        public StringBuffer format(double number, StringBuffer target, java.text.FieldPosition position) {
            return target.append(number == 0 ? "0" : scientific.format(number).replace('E', 'e'));
        }

        @Override
        public StringBuffer format(long number, StringBuffer target, java.text.FieldPosition position) {
            return format((double) number, target, position);
        }

        @Override
        public Number parse(String source, java.text.ParsePosition position) {
            return scientific.parse(source.replace('e', 'E'), position);
        }
    }
}
