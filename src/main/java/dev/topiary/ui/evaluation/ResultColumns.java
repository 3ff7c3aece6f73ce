package dev.topiary.ui.evaluation;

import dev.topiary.library.MemoryEstimate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.Tooltip;

/** Builds the columns of the results table for a report: fixed metrics, then one pair per task, then speed. */
final class ResultColumns {

    static final String NO_VALUE = "\u2013";
    /** An upper bound of the width of one character at the window's 13 px font, in pixels. */
    private static final double CHARACTER_WIDTH = 8;

    private ResultColumns() {}

    static List<TableColumn<EvaluationRow, String>> of(EvaluationReport report) {
        List<EvaluationRow> rows = report.rows();
        List<TableColumn<EvaluationRow, String>> columns = new ArrayList<>();
        columns.add(column(rows, "Model", "The model's folder or file name", EvaluationRow::name));
        columns.add(column(rows, "Parameters", "Parameter count",
                row -> String.format(Locale.ROOT, "%,d", row.parameters())));
        columns.add(column(rows, "File size", "Size of the weights on disk",
                row -> MemoryEstimate.format(row.fileBytes())));
        columns.add(column(rows, "Tokens", "Next tokens scored in the text set",
                row -> String.format(Locale.ROOT, "%,d", row.text().tokens())));
        columns.add(column(rows, "Cross-entropy", "Mean negative log-likelihood per token, in nats",
                row -> decimal(row.text().meanCrossEntropy())));
        columns.add(column(rows, "Perplexity", "exp(cross-entropy); lower is better",
                row -> decimal(row.text().perplexity())));

        if (report.hasReference()) {
            columns.add(column(rows, "KL vs ref", "Mean KL(reference \u2016 model) of next-token distributions per "
                    + "token, in nats, against " + report.referenceName(), row -> decimal(row.text().meanKl())));
            columns.add(column(rows, "Top-1 agree", "Fraction of positions where the model's and the reference's "
                    + "most likely next token agree", row -> decimal(row.text().topOneAgreement())));
        }

        for (int i = 0; i < report.taskNames().size(); i++) {
            int task = i;
            String name = report.taskNames().get(task);
            columns.add(column(rows, name + "\nacc", "Accuracy on " + name + ": the choice with the highest "
                    + "log-likelihood; chance is " + decimal(rows.get(0).tasks().get(task).chance()),
                    row -> decimal(row.tasks().get(task).accuracy())));
            columns.add(column(rows, name + "\nacc_norm", "Accuracy on " + name + " with each choice's "
                    + "log-likelihood divided by its length in bytes",
                    row -> decimal(row.tasks().get(task).normalizedAccuracy())));
        }

        if (rows.get(0).speed() != null) {
            columns.add(column(rows, "Prefill tok/s", "Median prompt tokens per second over three runs",
                    row -> String.format(Locale.ROOT, "%,.1f", row.speed().prefillTokensPerSecond())));
            columns.add(column(rows, "Decode tok/s", "Median greedy decode tokens per second over three runs",
                    row -> String.format(Locale.ROOT, "%,.1f", row.speed().decodeTokensPerSecond())));
        }
        return columns;
    }

    /** Formats a metric with the four decimals of the exported table, or a dash for a missing value. */
    static String decimal(double value) {
        return Double.isNaN(value) ? NO_VALUE : String.format(Locale.ROOT, "%.4f", value);
    }

    private static TableColumn<EvaluationRow, String> column(List<EvaluationRow> rows, String title, String tooltip,
            Function<EvaluationRow, String> value) {
        TableColumn<EvaluationRow, String> column = new TableColumn<>();
        // A header label instead of the column text, so that the header can carry a tooltip.
        Label header = new Label(title);
        header.setTooltip(new Tooltip(tooltip));
        column.setGraphic(header);
        column.setId("column-" + title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-"));
        // Wide enough for the longest header line and value, so that nothing is cut to an ellipsis.
        int longest = title.lines().mapToInt(String::length).max().orElse(0);
        for (EvaluationRow row : rows) {
            longest = Math.max(longest, value.apply(row).length());
        }
        column.setPrefWidth(Math.max(64, CHARACTER_WIDTH * longest + 24));
        column.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
        column.setSortable(false);
        return column;
    }
}
