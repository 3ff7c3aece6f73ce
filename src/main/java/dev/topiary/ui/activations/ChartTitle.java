package dev.topiary.ui.activations;

import java.util.ArrayList;
import java.util.List;
import javafx.scene.text.Font;
import javafx.scene.text.Text;

/** Breaks a chart title drawn on a canvas into lines that fit the plot's width, so it never runs into a legend. */
public final class ChartTitle {

    private ChartTitle() {}

    /**
     * Splits {@code text} at spaces into at most {@code maxLines} lines no wider than {@code width} in {@code font}.
     * Text that does not fit ends in an ellipsis on the last line, and so does a line that starts with a word wider
     * than {@code width}.
     */
    public static List<String> wrap(String text, Font font, double width, int maxLines) {
        List<String> lines = new ArrayList<>();
        String rest = text.strip();
        while (!rest.isEmpty() && lines.size() < maxLines - 1) {
            if (width(rest, font) <= width) {
                lines.add(rest);
                return lines;
            }
            int cut = lastFittingSpace(rest, font, width);
            if (cut <= 0) {
                break;
            }
            lines.add(rest.substring(0, cut));
            rest = rest.substring(cut + 1).strip();
        }
        if (!rest.isEmpty()) {
            lines.add(elided(rest, font, width));
        }
        return lines;
    }

    /** Returns the text, cut at the end with an ellipsis if needed, so that it fits a width in a font. */
    public static String elided(String text, Font font, double width) {
        if (width(text, font) <= width) {
            return text;
        }
        for (int length = text.length() - 1; length > 0; length--) {
            String candidate = text.substring(0, length).stripTrailing() + "\u2026";
            if (width(candidate, font) <= width) {
                return candidate;
            }
        }
        return "";
    }

    /** Returns the index of the last space before which the text fits, or -1 when no such space exists. */
    private static int lastFittingSpace(String text, Font font, double width) {
        for (int space = text.lastIndexOf(' '); space > 0; space = text.lastIndexOf(' ', space - 1)) {
            if (width(text.substring(0, space), font) <= width) {
                return space;
            }
        }
        return -1;
    }

    private static double width(String text, Font font) {
        Text measure = new Text(text);
        measure.setFont(font);
        return measure.getLayoutBounds().getWidth();
    }
}
