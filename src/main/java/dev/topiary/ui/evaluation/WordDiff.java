package dev.topiary.ui.evaluation;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Marks the words of a text that differ from a baseline text: the words outside a longest common subsequence of
 * the two word lists, as a word-level {@code diff} shows them.
 */
public final class WordDiff {

    /** A word and the whitespace after it. */
    private static final Pattern WORD = Pattern.compile("\\S+\\s*|\\s+");

    private WordDiff() {}

    /** A run of text, either shared with the baseline or changed. */
    public record Segment(String text, boolean changed) {}

    /** Splits {@code text} into segments, marking the words the baseline does not have at that place. */
    public static List<Segment> against(String baseline, String text) {
        List<String> base = words(baseline);
        List<String> other = words(text);
        boolean[] shared = sharedWords(base, other);
        List<Segment> segments = new ArrayList<>();
        StringBuilder run = new StringBuilder();
        boolean runChanged = false;
        for (int i = 0; i < other.size(); i++) {
            boolean changed = !shared[i];
            if (run.length() > 0 && changed != runChanged) {
                addRun(segments, run.toString(), runChanged);
                run.setLength(0);
            }
            run.append(other.get(i));
            runChanged = changed;
        }
        if (run.length() > 0) {
            addRun(segments, run.toString(), runChanged);
        }
        return segments;
    }

    /** Adds a run; the whitespace after a changed run is kept apart, so that a marker ends with the last word. */
    private static void addRun(List<Segment> segments, String run, boolean changed) {
        String words = changed ? run.stripTrailing() : run;
        if (!words.isEmpty()) {
            segments.add(new Segment(words, changed));
        }
        if (words.length() < run.length()) {
            segments.add(new Segment(run.substring(words.length()), false));
        }
    }

    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        Matcher matcher = WORD.matcher(text);
        while (matcher.find()) {
            words.add(matcher.group());
        }
        return words;
    }

    /** Returns, for each word of {@code other}, whether it is in a longest common subsequence with {@code base}. */
    private static boolean[] sharedWords(List<String> base, List<String> other) {
        int n = base.size();
        int m = other.size();
        int[][] lengths = new int[n + 1][m + 1]; // lengths[i][j]: LCS of base[i..] and other[j..]
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lengths[i][j] = same(base.get(i), other.get(j)) ? lengths[i + 1][j + 1] + 1
                        : Math.max(lengths[i + 1][j], lengths[i][j + 1]);
            }
        }
        boolean[] shared = new boolean[m];
        int i = 0;
        int j = 0;
        while (i < n && j < m) {
            if (same(base.get(i), other.get(j))) {
                shared[j] = true;
                i++;
                j++;
            } else if (lengths[i + 1][j] >= lengths[i][j + 1]) {
                i++;
            } else {
                j++;
            }
        }
        return shared;
    }

    /** Compares words without the whitespace after them, so a changed line break does not count as a change. */
    private static boolean same(String a, String b) {
        return a.strip().equals(b.strip());
    }
}
