package dev.topiary.ui.pruning;

import dev.topiary.pruning.BiasReport;
import dev.topiary.pruning.BiasReport.BiasedNeuron;
import dev.topiary.pruning.PairDivergence;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.scene.control.ContentDisplay;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.Region;
import javafx.scene.text.Font;
import javafx.scene.text.Text;

/** Sets up the two tables of the Fairness tab: the most biased neurons and the pairs. */
final class FairnessTables {

    /** Width in pixels of the bar of the most biased neuron. */
    private static final double BAR_WIDTH = 40;
    /** Gap between the bar and the number in a bias cell. */
    private static final double BAR_GAP = 6;
    /** Horizontal padding of a header or cell, with room for a header's sort arrow, in pixels. */
    private static final double CELL_PADDING = 24;
    /** Room for the table's border and vertical scroll bar. */
    private static final double TABLE_CHROME = 18;
    /** Style class of pairs whose most likely next token differs between a and b. */
    static final String CHANGED_PAIR = "changed-pair";

    /** One pair's divergence, and after pruning when measured. */
    record PairRow(PairDivergence before, PairDivergence after) {}

    private FairnessTables() {}

    /**
     * Sets up the table of the most biased neurons: rank, layer, neuron and bias with a bar.
     *
     * @param clicked receives the clicked neuron and whether Ctrl (or Cmd) was down
     */
    static void setUpNeurons(TableView<BiasedNeuron> table, BiConsumer<BiasedNeuron, Boolean> clicked) {
        TableColumn<BiasedNeuron, Number> rank = column("#", neuronRow -> table.getItems().indexOf(neuronRow) + 1,
                "99");
        TableColumn<BiasedNeuron, Number> layer = column("Layer", BiasedNeuron::layer, "99");
        TableColumn<BiasedNeuron, Number> neuron = column("Neuron", BiasedNeuron::neuron, "99999");
        TableColumn<BiasedNeuron, Number> bias = column("Bias", BiasedNeuron::bias, "0.0000");
        bias.setMinWidth(bias.getMinWidth() + BAR_WIDTH + BAR_GAP);
        bias.setPrefWidth(bias.getMinWidth());
        bias.setCellFactory(column -> new BiasCell());
        table.getColumns().setAll(List.of(rank, layer, neuron, bias));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        // The panes around the table keep it at least this wide, so that no header or value is elided.
        table.setMinWidth(table.getColumns().stream().mapToDouble(TableColumn::getMinWidth).sum() + TABLE_CHROME);
        table.setPlaceholder(new Label("Measure a report to list its most biased neurons."));
        table.setRowFactory(view -> {
            TableRow<BiasedNeuron> row = new TableRow<>();
            row.setOnMouseClicked(event -> {
                if (event.getButton() == MouseButton.PRIMARY && !row.isEmpty()) {
                    clicked.accept(row.getItem(), event.isShortcutDown());
                }
            });
            return row;
        });
    }

    /** Returns a column at least as wide as its title and as {@code widestValue}, the longest value expected. */
    private static <T> TableColumn<T, Number> column(String title, Function<T, Number> value, String widestValue) {
        TableColumn<T, Number> column = new TableColumn<>(title);
        column.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
        fitWidth(column, widestValue);
        return column;
    }

    /** Sets a column's minimum and preferred width to fit its title and a sample of its widest value. */
    private static void fitWidth(TableColumn<?, ?> column, String widestValue) {
        double width = Math.ceil(Math.max(textWidth(column.getText()), textWidth(widestValue)) + CELL_PADDING);
        column.setMinWidth(width);
        column.setPrefWidth(width);
    }

    private static double textWidth(String text) {
        Text measure = new Text(text);
        measure.setFont(Font.getDefault());
        return measure.getLayoutBounds().getWidth();
    }

    /** The bias value with a bar scaled to the largest bias in the table. */
    private static final class BiasCell extends TableCell<BiasedNeuron, Number> {
        private final Region bar = new Region();

        BiasCell() {
            bar.getStyleClass().add("bias-bar");
            bar.setMinHeight(10);
            bar.setMaxHeight(10);
            setContentDisplay(ContentDisplay.LEFT);
            setGraphicTextGap(BAR_GAP);
        }

        @Override
        protected void updateItem(Number value, boolean empty) {
            super.updateItem(value, empty);
            if (empty || value == null) {
                setText(null);
                setGraphic(null);
                return;
            }
            double largest = getTableView().getItems().isEmpty() ? 0 : getTableView().getItems().get(0).bias();
            double width = largest > 0 ? BAR_WIDTH * value.doubleValue() / largest : 0;
            bar.setMinWidth(width);
            bar.setPrefWidth(width);
            bar.setMaxWidth(width);
            setGraphic(bar);
            setText(String.format(Locale.ROOT, "%.4f", value.doubleValue()));
        }
    }

    /** Sets up the pair table: id, attribute, KL and top tokens, then the same after pruning when measured. */
    static void setUpPairs(TableView<PairRow> table) {
        List<TableColumn<PairRow, String>> columns = new ArrayList<>();
        columns.add(textColumn("Pair", row -> row.before().pair(), "mother"));
        columns.add(textColumn("Attribute", row -> row.before().attribute() == null ? "" : row.before().attribute(),
                "gender"));
        columns.add(textColumn("KL", row -> kl(row.before()), "0.0000"));
        columns.add(textColumn("Top token a", row -> quoted(row.before().topTokenA()), "\u201c played\u201d"));
        columns.add(textColumn("Top token b", row -> quoted(row.before().topTokenB()), "\u201c played\u201d"));
        TableColumn<PairRow, String> klAfter = textColumn("KL after", row -> row.after() == null ? ""
                : kl(row.after()), "0.0000");
        klAfter.setId("klAfterColumn");
        TableColumn<PairRow, String> tokensAfter = textColumn("Top tokens after", row -> row.after() == null ? ""
                : quoted(row.after().topTokenA()) + " / " + quoted(row.after().topTokenB()),
                "\u201c played\u201d / \u201c played\u201d");
        tokensAfter.setId("tokensAfterColumn");
        columns.add(klAfter);
        columns.add(tokensAfter);
        table.getColumns().setAll(columns);
        // Columns keep their minimum widths; a table narrower than their sum scrolls sideways.
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.setPlaceholder(new Label("Measure a report to list its pairs."));
        table.setRowFactory(view -> new TableRow<>() {
            @Override
            protected void updateItem(PairRow row, boolean empty) {
                super.updateItem(row, empty);
                getStyleClass().remove(CHANGED_PAIR);
                if (!empty && row != null && row.before().topTokenChanged()) {
                    getStyleClass().add(CHANGED_PAIR);
                }
            }
        });
        showAfterColumns(table, false);
    }

    private static TableColumn<PairRow, String> textColumn(String title, Function<PairRow, String> value,
            String widestValue) {
        TableColumn<PairRow, String> column = new TableColumn<>(title);
        column.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
        fitWidth(column, widestValue);
        return column;
    }

    /** Shows or hides the columns of the report after pruning. */
    static void showAfterColumns(TableView<PairRow> table, boolean shown) {
        for (TableColumn<PairRow, ?> column : table.getColumns()) {
            if ("klAfterColumn".equals(column.getId()) || "tokensAfterColumn".equals(column.getId())) {
                column.setVisible(shown);
            }
        }
    }

    /** Returns one row per pair of the report, with the same pair of the report after pruning when given. */
    static List<PairRow> pairRows(BiasReport before, BiasReport after) {
        List<PairRow> rows = new ArrayList<>();
        List<PairDivergence> divergences = before.divergences();
        for (int i = 0; i < divergences.size(); i++) {
            PairDivergence pruned = after != null && i < after.divergences().size() ? after.divergences().get(i)
                    : null;
            rows.add(new PairRow(divergences.get(i), pruned));
        }
        return rows;
    }

    private static String kl(PairDivergence divergence) {
        return String.format(Locale.ROOT, "%.4f", divergence.symmetricKl());
    }

    /** Quotes a token so that its leading space shows, with line breaks and tabs written as escapes. */
    private static String quoted(String token) {
        return "\u201c" + token.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + "\u201d";
    }
}
