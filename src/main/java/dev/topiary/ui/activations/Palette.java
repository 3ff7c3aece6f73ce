package dev.topiary.ui.activations;

/**
 * Maps heatmap values to ARGB colours. Signed values use a diverging blue-white-red palette (ColorBrewer RdBu,
 * seven classes, reversed so that positive is red); magnitudes use a sequential palette close to matplotlib's
 * viridis, which was designed to stay readable in greyscale and with the common forms of colour blindness.
 */
public final class Palette {

    private static final int[] DIVERGING = {
        0x2166AC, 0x67A9CF, 0xD1E5F0, 0xF7F7F7, 0xFDDBC7, 0xEF8A62, 0xB2182B
    };
    private static final int[] SEQUENTIAL = {
        0x440154, 0x482878, 0x3E4A89, 0x31688E, 0x26828E, 0x1F9E89, 0x35B779, 0x6DCD59, 0xB4DE2C, 0xFDE725
    };
    /** The colour of NaN and infinite values, which no palette contains. */
    static final int NOT_FINITE = 0xFF808080;

    private Palette() {}

    /**
     * Returns the opaque ARGB colour of a value.
     *
     * @param limit the magnitude at the ends of the palette; values beyond it take the end colour
     */
    public static int argb(ValueScale scale, float value, float limit) {
        if (!Float.isFinite(value)) {
            return NOT_FINITE;
        }
        return switch (scale) {
            case SIGNED -> interpolate(DIVERGING, (value / limit + 1) / 2);
            case MAGNITUDE -> interpolate(SEQUENTIAL, value / limit);
        };
    }

    /** Returns the colour at a fraction of the way along the stops, clamped to [0, 1]. */
    private static int interpolate(int[] stops, double fraction) {
        double position = Math.max(0, Math.min(1, fraction)) * (stops.length - 1);
        int lower = Math.min((int) position, stops.length - 2);
        double weight = position - lower;
        int from = stops[lower];
        int to = stops[lower + 1];
        int red = mix(from >> 16 & 0xFF, to >> 16 & 0xFF, weight);
        int green = mix(from >> 8 & 0xFF, to >> 8 & 0xFF, weight);
        int blue = mix(from & 0xFF, to & 0xFF, weight);
        return 0xFF000000 | red << 16 | green << 8 | blue;
    }

    private static int mix(int from, int to, double weight) {
        return (int) Math.round(from + (to - from) * weight);
    }
}
