package dev.topiary.ui.pruning;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A word-level diff of two generations, for marking what pruning changed. Words are runs of non-space
 * characters; each keeps the spaces that follow it, so the segments of a side join back to its exact text.
 * Words outside the longest common subsequence of the two word lists are marked as changed.
 */
public final class TextDiff {

    private static final Pattern WORD = Pattern.compile("\\s*\\S+\\s*|\\s+");

    /** A piece of one side's text and whether the other side lacks it. */
    public record Segment(String text, boolean changed) {}

    /** The segments of both texts and the character offset where they first differ, -1 when equal. */
    public record Result(List<Segment> original, List<Segment> pruned, int firstDifference) {}

    private TextDiff() {}

    /** Compares two texts word by word. */
    public static Result compare(String original, String pruned) {
        List<String> a = words(original);
        List<String> b = words(pruned);
        // common[i][j] is the length of the longest common subsequence of a[i..] and b[j..], [a + 1][b + 1],
        // comparing words without their spaces.
        int[][] common = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                common[i][j] = same(a.get(i), b.get(j))
                        ? common[i + 1][j + 1] + 1
                        : Math.max(common[i + 1][j], common[i][j + 1]);
            }
        }
        boolean[] keptA = new boolean[a.size()];
        boolean[] keptB = new boolean[b.size()];
        for (int i = 0, j = 0; i < a.size() && j < b.size(); ) {
            if (same(a.get(i), b.get(j))) {
                keptA[i++] = true;
                keptB[j++] = true;
            } else if (common[i + 1][j] >= common[i][j + 1]) {
                i++;
            } else {
                j++;
            }
        }
        return new Result(segments(a, keptA), segments(b, keptB), firstDifference(original, pruned));
    }

    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        Matcher matcher = WORD.matcher(text == null ? "" : text);
        while (matcher.find()) {
            words.add(matcher.group());
        }
        return words;
    }

    private static boolean same(String a, String b) {
        return a.strip().equals(b.strip());
    }

    /**
     * Joins neighbouring words of the same kind, so that a side has few segments. The spaces after a changed run
     * are left unmarked, so that a marked run ends at its last character.
     */
    private static List<Segment> segments(List<String> words, boolean[] kept) {
        List<Segment> segments = new ArrayList<>();
        StringBuilder run = new StringBuilder();
        boolean runChanged = false;
        for (int i = 0; i < words.size(); i++) {
            boolean changed = !kept[i];
            if (run.length() > 0 && changed != runChanged) {
                String trailing = runChanged ? trailingSpace(run) : "";
                segments.add(new Segment(run.substring(0, run.length() - trailing.length()), runChanged));
                run.setLength(0);
                run.append(trailing);
            }
            runChanged = changed;
            run.append(words.get(i));
        }
        if (run.length() > 0) {
            String trailing = runChanged ? trailingSpace(run) : "";
            if (trailing.length() < run.length()) {
                segments.add(new Segment(run.substring(0, run.length() - trailing.length()), runChanged));
            }
            if (!trailing.isEmpty()) {
                segments.add(new Segment(trailing, false));
            }
        }
        return segments;
    }

    private static String trailingSpace(CharSequence text) {
        int end = text.length();
        int start = end;
        while (start > 0 && Character.isWhitespace(text.charAt(start - 1))) {
            start--;
        }
        return text.subSequence(start, end).toString();
    }

    private static int firstDifference(String a, String b) {
        int length = Math.min(a.length(), b.length());
        for (int i = 0; i < length; i++) {
            if (a.charAt(i) != b.charAt(i)) {
                return i;
            }
        }
        return a.length() == b.length() ? -1 : length;
    }
}
