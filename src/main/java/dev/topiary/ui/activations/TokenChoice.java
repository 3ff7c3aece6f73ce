package dev.topiary.ui.activations;

/**
 * An entry of the token selector: one token position, or the mean over all of them.
 *
 * @param position the token position, or {@link #MEAN} for mean |a| over every position
 * @param label the text the selector shows
 */
public record TokenChoice(int position, String label) {

    /** The position value of the "mean |a| over tokens" entry. */
    public static final int MEAN = -1;

    public boolean isMean() {
        return position == MEAN;
    }

    @Override
    public String toString() {
        return label;
    }
}
