package dev.topiary.ui;

import javafx.scene.control.Labeled;
import javafx.scene.control.Tooltip;
import javafx.util.Duration;

/**
 * Tooltips that repeat a label's whole text, for status lines that a narrow window cuts off with an ellipsis. The
 * tooltip follows the label's text and is removed while the text is empty.
 */
public final class FullTextTooltips {

    /** Width at which a long tooltip wraps, in pixels. */
    private static final double MAX_WIDTH = 640;

    private FullTextTooltips() {}

    /** Gives each label a tooltip bound to its text. */
    public static void install(Labeled... labels) {
        for (Labeled label : labels) {
            Tooltip tooltip = new Tooltip();
            tooltip.textProperty().bind(label.textProperty());
            tooltip.setWrapText(true);
            tooltip.setMaxWidth(MAX_WIDTH);
            tooltip.setShowDelay(Duration.millis(400));
            update(label, tooltip);
            label.textProperty().addListener((property, before, now) -> update(label, tooltip));
        }
    }

    private static void update(Labeled label, Tooltip tooltip) {
        String text = label.getText();
        label.setTooltip(text == null || text.isBlank() ? null : tooltip);
    }
}
