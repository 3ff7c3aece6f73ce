package dev.topiary.evaluation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Formats rows of evaluation results as plain text, Markdown or CSV, one row per model. */
public final class ResultTable {

    private ResultTable() {}

    /** Formats the rows; every row has the columns of the first, and {@code source} is left out. */
    public static String format(List<Map<String, Object>> rows, String format) {
        List<String> columns = new ArrayList<>(rows.get(0).keySet());
        columns.remove("source");
        List<List<String>> cells = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            List<String> line = new ArrayList<>();
            for (String column : columns) {
                Object value = row.get(column);
                line.add(value instanceof Double number ? String.format(Locale.ROOT, "%.4f", number) : String.valueOf(value));
            }
            cells.add(line);
        }
        StringBuilder out = new StringBuilder();
        switch (format.toLowerCase(Locale.ROOT)) {
            case "csv" -> {
                out.append(String.join(",", columns)).append('\n');
                cells.forEach(line -> out.append(String.join(",", line.stream().map(ResultTable::csvCell).toList()))
                        .append('\n'));
            }
            case "markdown" -> {
                out.append("| ").append(String.join(" | ", columns)).append(" |\n");
                out.append("|").append("---|".repeat(columns.size())).append('\n');
                cells.forEach(line -> out.append("| ").append(String.join(" | ", line)).append(" |\n"));
            }
            case "text" -> {
                out.append(String.join(" | ", columns)).append('\n');
                cells.forEach(line -> out.append(String.join(" | ", line)).append('\n'));
            }
            default -> throw new IllegalArgumentException("Unknown table format '" + format
                    + "'; use text, markdown or csv.");
        }
        return out.toString();
    }

    private static String csvCell(String value) {
        boolean quote = value.contains(",") || value.contains("\"");
        return quote ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
    }
}
