package dev.topiary.ui.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class WordDiffTest {

    private static String marked(String baseline, String text) {
        StringBuilder out = new StringBuilder();
        for (WordDiff.Segment segment : WordDiff.against(baseline, text)) {
            out.append(segment.changed() ? "[" + segment.text() + "]" : segment.text());
        }
        return out.toString();
    }

    @Test
    void identicalTextHasNoChanges() {
        assertEquals(List.of(new WordDiff.Segment("the cat sat", false)), WordDiff.against("the cat sat", "the cat sat"));
    }

    @Test
    void replacedWordIsMarked() {
        assertEquals("the [dog] sat", marked("the cat sat", "the dog sat"));
    }

    @Test
    void insertedWordsAreMarkedWithoutTrailingSpace() {
        assertEquals("the [big old] cat sat", marked("the cat sat", "the big old cat sat"));
    }

    @Test
    void changedLineBreakIsNotAChange() {
        assertEquals("the cat\nsat", marked("the cat sat", "the cat\nsat"));
    }

    @Test
    void emptyBaselineMarksEverything() {
        assertEquals("[a b]", marked("", "a b"));
        assertEquals(List.of(), WordDiff.against("a b", ""));
    }
}
