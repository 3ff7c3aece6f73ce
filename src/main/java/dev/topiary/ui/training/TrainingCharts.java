package dev.topiary.ui.training;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.text.DecimalFormat;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.image.Image;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.general.DatasetUtils;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The Train tab's four scalar charts, TensorBoard-like: step on x, one colour per run, each run's raw values
 * faint under their smoothed curve, a legend of runs, and an optional log scale.
 *
 * <p>The charts are drawn into images on a thread of their own and shown by {@link ChartPane}s. Drawn on the FX
 * thread instead, the four charts took 20 to 300 ms per update during a stories260K LoRA run on a 2-core machine
 * with a load average of 5 to 7, long enough to freeze the window. {@link #request} copies the points on the FX
 * thread, which is quick, and the drawing thread renders only the newest request when several arrive while it is
 * busy.
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
    private static final String NO_RUNS = "No points yet: start a run, or load a finished run's folder.";
    private static final String NO_POINTS = "No points yet.";

    /** The charts, touched only on the drawing thread. */
    private final JFreeChart[] charts = new JFreeChart[Slot.values().length];
    private final ExecutorService drawing = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "topiary-chart-drawing");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicReference<Request> pending = new AtomicReference<>();

    /** A shown run's points, copied for the drawing thread. */
    private record RunPoints(String label, int colourIndex, Map<Metric, int[]> steps, Map<Metric, double[]> values) {}

    private record Request(List<RunPoints> runs, double smoothing, boolean logScale, Metric heldOut,
            Map<Slot, ChartPane> panes, Map<Slot, int[]> sizes) {}

    public TrainingCharts() {
        for (Slot slot : Slot.values()) {
            charts[slot.ordinal()] = build(slot);
        }
    }

    /**
     * Asks for every chart to be drawn from the shown runs into its pane; call on the FX thread. The images
     * arrive later on the FX thread.
     *
     * @param runs all charted runs; hidden ones keep their colour so colours do not move when one is hidden
     * @param smoothing the weight of {@link Smoothing#exponential} for the training loss and speed charts
     * @param heldOut {@link Metric#EVAL_LOSS} or {@link Metric#EVAL_PERPLEXITY}
     */
    public void request(List<ChartedRun> runs, double smoothing, boolean logScale, Metric heldOut,
            Map<Slot, ChartPane> panes) {
        List<RunPoints> shown = new ArrayList<>();
        for (int index = 0; index < runs.size(); index++) {
            ChartedRun run = runs.get(index);
            if (!run.shownProperty().get()) {
                continue;
            }
            Map<Metric, int[]> steps = new EnumMap<>(Metric.class);
            Map<Metric, double[]> values = new EnumMap<>(Metric.class);
            for (Metric metric : Metric.values()) {
                steps.put(metric, run.curves().steps(metric));
                values.put(metric, run.curves().values(metric));
            }
            shown.add(new RunPoints(run.label(), index, steps, values));
        }
        Map<Slot, int[]> sizes = new EnumMap<>(Slot.class);
        panes.forEach((slot, pane) -> sizes.put(slot, new int[] {pane.pixelWidth(), pane.pixelHeight()}));
        // Only the newest request is drawn: one waiting from before is replaced, so drawing never falls behind.
        if (pending.getAndSet(new Request(shown, smoothing, logScale, heldOut, panes, sizes)) == null) {
            drawing.execute(this::drawPending);
        }
    }

    /** Draws a chart as it was last requested into an image of the given size, as for saving a PNG. */
    public CompletableFuture<BufferedImage> image(Slot slot, int width, int height) {
        return CompletableFuture.supplyAsync(() -> chart(slot).createBufferedImage(width, height), drawing);
    }

    private JFreeChart chart(Slot slot) {
        return charts[slot.ordinal()];
    }

    private void drawPending() {
        Request request = pending.getAndSet(null);
        if (request == null) {
            return;
        }
        for (Slot slot : Slot.values()) {
            Metric metric = switch (slot) {
                case TRAIN_LOSS -> Metric.TRAIN_LOSS;
                case HELD_OUT -> request.heldOut();
                case LEARNING_RATE -> Metric.LEARNING_RATE;
                case TOKENS_PER_SECOND -> Metric.TOKENS_PER_SECOND;
            };
            JFreeChart chart = chart(slot);
            fill(chart, slot, metric, request.runs(), slot.smoothed ? request.smoothing() : 0, request.logScale());
            ChartPane pane = request.panes().get(slot);
            int[] size = request.sizes().get(slot);
            if (pane == null || size == null) {
                continue;
            }
            Image image = SwingFXUtils.toFXImage(chart.createBufferedImage(size[0], size[1]), null);
            int points = request.runs().isEmpty() ? 0 : request.runs().get(0).steps().get(metric).length;
            Platform.runLater(() -> pane.show(image, points));
        }
    }

    private static void fill(JFreeChart chart, Slot slot, Metric metric, List<RunPoints> runs, double smoothing,
            boolean logScale) {
        XYPlot plot = chart.getXYPlot();
        XYSeriesCollection dataset = (XYSeriesCollection) plot.getDataset();
        XYLineAndShapeRenderer renderer = (XYLineAndShapeRenderer) plot.getRenderer();
        dataset.removeAllSeries();
        boolean sparse = metric == Metric.EVAL_LOSS || metric == Metric.EVAL_PERPLEXITY;
        for (RunPoints run : runs) {
            Color colour = RUN_COLOURS[run.colourIndex() % RUN_COLOURS.length];
            int[] steps = run.steps().get(metric);
            double[] values = run.values().get(metric);
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

        // Without points the axes fall back to 0..1, whose ticks mean nothing, so only the note shows.
        boolean empty = DatasetUtils.isEmptyOrNull(dataset);
        plot.setNoDataMessage(runs.isEmpty() ? NO_RUNS : NO_POINTS);
        for (ValueAxis axis : new ValueAxis[] {plot.getDomainAxis(), plot.getRangeAxis()}) {
            axis.setTickLabelsVisible(!empty);
            axis.setTickMarksVisible(!empty);
        }
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
            if (metric == Metric.TOKENS_PER_SECOND) {
                // Whole tokens per second: fractional ticks would print as repeated integers.
                linear.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
            }
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
        XYPlot plot = new XYPlot(new XYSeriesCollection(), stepAxis, rangeAxis(slot.axisLabel, Metric.TRAIN_LOSS,
                false), renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(GRID);
        plot.setRangeGridlinePaint(GRID);
        plot.setOutlinePaint(Color.GRAY);
        plot.setNoDataMessage(NO_RUNS);
        plot.setNoDataMessageFont(LABEL_FONT);

        JFreeChart chart = new JFreeChart(slot.title, TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(4, 4, 4, 8));
        LegendTitle legend = chart.getLegend();
        legend.setPosition(RectangleEdge.BOTTOM);
        legend.setItemFont(TICK_FONT);
        return chart;
    }

    /** Formats learning rates in short scientific notation, such as 5e-4, and zero as 0. */
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
