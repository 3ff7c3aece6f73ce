package dev.topiary.ui.pruning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextDiffTest {

    @Test
    void equalTextsHaveNoChange() {
        TextDiff.Result diff = TextDiff.compare(" Lily went to the park.", " Lily went to the park.");

        assertEquals(-1, diff.firstDifference());
        assertEquals(List.of(new TextDiff.Segment(" Lily went to the park.", false)), diff.original());
        assertEquals(diff.original(), diff.pruned());
    }

    @Test
    void replacedWordIsMarkedOnBothSides() {
        TextDiff.Result diff = TextDiff.compare(" She saw a big dog in the park.", " She saw a red dog in the park.");

        assertEquals(List.of(new TextDiff.Segment(" She saw a ", false), new TextDiff.Segment("big", true),
                new TextDiff.Segment(" dog in the park.", false)), diff.original());
        assertEquals(List.of(new TextDiff.Segment(" She saw a ", false), new TextDiff.Segment("red", true),
                new TextDiff.Segment(" dog in the park.", false)), diff.pruned());
        assertEquals(11, diff.firstDifference());
    }

    @Test
    void insertedWordsAreMarkedOnlyWhereTheyAre() {
        TextDiff.Result diff = TextDiff.compare("Tom ran home.", "Tom ran very fast home.");

        assertTrue(diff.original().stream().noneMatch(TextDiff.Segment::changed));
        assertEquals(List.of(new TextDiff.Segment("Tom ran ", false), new TextDiff.Segment("very fast", true),
                new TextDiff.Segment(" home.", false)), diff.pruned());
    }

    @Test
    void segmentsJoinBackToTheTexts() {
        String original = "  Once upon a time,\nthere was a cat.  It was happy. ";
        String pruned = "Once upon a time, there was a dog and a cat. It was sad.";

        TextDiff.Result diff = TextDiff.compare(original, pruned);

        assertEquals(original, join(diff.original()));
        assertEquals(pruned, join(diff.pruned()));
        assertFalse(diff.pruned().stream().filter(TextDiff.Segment::changed).toList().isEmpty());
    }

    @Test
    void changedEndKeepsItsSpacesUnmarked() {
        TextDiff.Result diff = TextDiff.compare("He ran.\n", "He sat.\n");

        assertEquals(List.of(new TextDiff.Segment("He ", false), new TextDiff.Segment("ran.", true),
                new TextDiff.Segment("\n", false)), diff.original());
    }

    @Test
    void emptyTextMarksOtherSide() {
        TextDiff.Result diff = TextDiff.compare("", "The end.");

        assertEquals(List.of(), diff.original());
        assertEquals(List.of(new TextDiff.Segment("The end.", true)), diff.pruned());
        assertEquals(0, diff.firstDifference());
    }

    private static String join(List<TextDiff.Segment> segments) {
        StringBuilder text = new StringBuilder();
        segments.forEach(segment -> text.append(segment.text()));
        return text.toString();
    }
}
