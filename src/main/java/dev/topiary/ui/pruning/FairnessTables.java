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

/** Sets up the two tables of the Fairness tab: the most biased neurons and the pairs. */
final class FairnessTables {

    /** Width in pixels of the bar of the most biased neuron. */
    private static final double BAR_WIDTH = 60;
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
        TableColumn<BiasedNeuron, Number> rank = new TableColumn<>("#");
        rank.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(table.getItems().indexOf(cell.getValue()) + 1));
        rank.setPrefWidth(36);
        rank.setMinWidth(28);
        TableColumn<BiasedNeuron, Number> layer = column("Layer", BiasedNeuron::layer, 56);
        TableColumn<BiasedNeuron, Number> neuron = column("Neuron", BiasedNeuron::neuron, 72);
        TableColumn<BiasedNeuron, Number> bias = column("Bias", BiasedNeuron::bias, 130);
        layer.setMinWidth(44);
        neuron.setMinWidth(52);
        bias.setMinWidth(70);
        bias.setCellFactory(column -> new BiasCell());
        table.getColumns().setAll(List.of(rank, layer, neuron, bias));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
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

    private static <T> TableColumn<T, Number> column(String title, Function<T, Number> value, double width) {
        TableColumn<T, Number> column = new TableColumn<>(title);
        column.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
        column.setPrefWidth(width);
        column.setMinWidth(width);
        return column;
    }

    /** The bias value with a bar scaled to the largest bias in the table. */
    private static final class BiasCell extends TableCell<BiasedNeuron, Number> {
        private final Region bar = new Region();

        BiasCell() {
            bar.getStyleClass().add("bias-bar");
            bar.setMinHeight(10);
            bar.setMaxHeight(10);
            setContentDisplay(ContentDisplay.LEFT);
            setGraphicTextGap(8);
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
        columns.add(textColumn("Pair", row -> row.before().pair(), 70));
        columns.add(textColumn("Attribute", row -> row.before().attribute() == null ? "" : row.before().attribute(),
                82));
        columns.add(textColumn("KL", row -> kl(row.before()), 70));
        columns.add(textColumn("Top token a", row -> quoted(row.before().topTokenA()), 95));
        columns.add(textColumn("Top token b", row -> quoted(row.before().topTokenB()), 95));
        TableColumn<PairRow, String> klAfter = textColumn("KL after", row -> row.after() == null ? ""
                : kl(row.after()), 75);
        klAfter.setId("klAfterColumn");
        TableColumn<PairRow, String> tokensAfter = textColumn("Top tokens after", row -> row.after() == null ? ""
                : quoted(row.after().topTokenA()) + " / " + quoted(row.after().topTokenB()), 140);
        tokensAfter.setId("tokensAfterColumn");
        columns.add(klAfter);
        columns.add(tokensAfter);
        table.getColumns().setAll(columns);
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
            double width) {
        TableColumn<PairRow, String> column = new TableColumn<>(title);
        column.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
        column.setPrefWidth(width);
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
