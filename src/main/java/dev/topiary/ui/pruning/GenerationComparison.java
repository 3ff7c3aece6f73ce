package dev.topiary.ui.pruning;

import dev.topiary.pruning.PrunePreview;
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
 * Builds the side-by-side view of one preview generation: the prompt, then the original and the pruned
 * continuation in two columns, with the words that differ marked in each.
 */
final class GenerationComparison {

    private GenerationComparison() {}

    /**
     * Returns the view of a generation; its text flows have the ids {@code originalText-<index>} and
     * {@code prunedText-<index>}.
     */
    static Node build(int index, PrunePreview.Generation generation) {
        // The engine's texts are the continuations alone, without the prompt.
        TextDiff.Result diff = TextDiff.compare(generation.original(), generation.pruned());

        Label prompt = new Label("Prompt " + (index + 1) + ": " + generation.prompt());
        prompt.getStyleClass().add("preview-prompt");
        prompt.setWrapText(true);

        GridPane columns = new GridPane();
        columns.setHgap(14);
        columns.setVgap(4);
        for (int column = 0; column < 2; column++) {
            ColumnConstraints constraints = new ColumnConstraints();
            constraints.setPercentWidth(50);
            constraints.setHgrow(Priority.ALWAYS);
            columns.getColumnConstraints().add(constraints);
        }
        columns.add(head("Original"), 0, 0);
        columns.add(head("Pruned (ablated)"), 1, 0);
        columns.add(flow("originalText-" + index, diff.original(), "diff-removed"), 0, 1);
        columns.add(flow("prunedText-" + index, diff.pruned(), "diff-added"), 1, 1);

        Label verdict = new Label(diff.firstDifference() < 0
                ? "The same continuation."
                : "Differs from character " + diff.firstDifference() + " on; the marked words differ.");
        verdict.getStyleClass().add("hint");
        VBox box = new VBox(4, prompt, columns, verdict);
        box.getStyleClass().add("generation-comparison");
        return box;
    }

    private static Label head(String text) {
        Label label = new Label(text);
        label.getStyleClass().add("column-head");
        return label;
    }

    private static TextFlow flow(String id, List<TextDiff.Segment> segments, String changedStyle) {
        TextFlow flow = new TextFlow();
        flow.setId(id);
        flow.getStyleClass().add("generated-text");
        for (TextDiff.Segment segment : segments) {
            Text text = new Text(segment.text());
            text.getStyleClass().add(segment.changed() ? changedStyle : "continuation-text");
            flow.getChildren().add(text);
        }
        return flow;
    }

    /** Returns the text of a flow built here, for tests and accessibility. */
    static String textOf(TextFlow flow) {
        StringBuilder text = new StringBuilder();
        for (Node child : flow.getChildren()) {
            if (child instanceof Text piece) {
                text.append(piece.getText());
            }
        }
        return text.toString();
    }
}
