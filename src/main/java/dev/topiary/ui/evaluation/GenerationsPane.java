package dev.topiary.ui.evaluation;

import java.util.List;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;

/**
 * Fills the Generations view: for each prompt, the greedy continuations of every model side by side, one column
 * per model in run order, with the words that differ from the first model's continuation marked.
 */
final class GenerationsPane {

    private GenerationsPane() {}

    static void show(VBox box, EvaluationReport report) {
        box.getChildren().clear();
        if (report == null) {
            return;
        }
        if (report.prompts().isEmpty()) {
            Label none = new Label("No generation prompts were given, so nothing was generated.");
            none.getStyleClass().add("empty-state-small");
            box.getChildren().add(none);
            return;
        }
        String first = report.rows().get(0).name();
        Label legend = new Label("Greedy continuations. Words that differ from " + first
                + "\u2019s continuation are marked in red.");
        legend.getStyleClass().add("hint");
        legend.setWrapText(true);
        box.getChildren().add(legend);
        for (int prompt = 0; prompt < report.prompts().size(); prompt++) {
            Label title = new Label(report.prompts().get(prompt));
            title.getStyleClass().add("generation-prompt");
            title.setWrapText(true);
            box.getChildren().addAll(title, columns(report, prompt));
        }
    }

    private static GridPane columns(EvaluationReport report, int prompt) {
        GridPane grid = new GridPane();
        grid.getStyleClass().add("generation-grid");
        grid.setHgap(10);
        List<EvaluationRow> rows = report.rows();
        for (int model = 0; model < rows.size(); model++) {
            ColumnConstraints constraints = new ColumnConstraints();
            constraints.setPercentWidth(100.0 / rows.size());
            constraints.setHgrow(Priority.ALWAYS);
            grid.getColumnConstraints().add(constraints);
            grid.add(column(rows.get(model).name(), text(rows.get(0), prompt), text(rows.get(model), prompt),
                    model == 0), model, 0);
        }
        return grid;
    }

    private static String text(EvaluationRow row, int prompt) {
        return prompt < row.generations().size() ? row.generations().get(prompt) : "";
    }

    private static Node column(String name, String baseline, String continuation, boolean isFirst) {
        Label header = new Label(name + (isFirst ? "  (baseline)" : ""));
        header.getStyleClass().add("generation-model");
        TextFlow flow = new TextFlow();
        flow.getStyleClass().add("generation-text");
        if (isFirst) {
            flow.getChildren().add(segment(continuation, false));
        } else {
            for (WordDiff.Segment segment : WordDiff.against(baseline, continuation)) {
                flow.getChildren().add(segment(segment.text(), segment.changed()));
            }
        }
        VBox column = new VBox(4, header, flow);
        column.getStyleClass().add("generation-column");
        column.setMinWidth(0);
        return column;
    }

    private static Text segment(String text, boolean changed) {
        Text node = new Text(text);
        node.getStyleClass().add(changed ? "generation-changed" : "generation-same");
        return node;
    }
}
