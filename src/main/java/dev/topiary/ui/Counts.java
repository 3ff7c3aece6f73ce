package dev.topiary.ui;

import java.util.Locale;

/** English counts for status lines and summaries: "1 model", "2 models", "1,024 tokens". */
public final class Counts {

    private Counts() {}

    /** Returns the count with thousands separators and the noun, plural unless the count is 1 ("s" appended). */
    public static String of(long count, String singular) {
        return of(count, singular, singular + "s");
    }

    /** Returns the count with thousands separators and the singular or plural noun. */
    public static String of(long count, String singular, String plural) {
        return String.format(Locale.ROOT, "%,d %s", count, noun(count, singular, plural));
    }

    /** Returns the noun for a count, as after "3 of 4": plural unless the count is 1 ("s" appended). */
    public static String noun(long count, String singular) {
        return noun(count, singular, singular + "s");
    }

    /** Returns the singular noun for a count of 1 and the plural for any other. */
    public static String noun(long count, String singular, String plural) {
        return count == 1 ? singular : plural;
    }
}
