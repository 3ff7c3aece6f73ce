package dev.topiary.model;

/**
 * Llama 3 rotary frequency scaling ({@code rope_scaling} with {@code rope_type: llama3} in config.json).
 *
 * <p>Frequencies whose wavelength is shorter than {@code originalMaxPositionEmbeddings / highFreqFactor}
 * are kept, those longer than {@code originalMaxPositionEmbeddings / lowFreqFactor} are divided by
 * {@code factor}, and the band in between is interpolated smoothly.
 */
public record RopeScaling(double factor, double lowFreqFactor, double highFreqFactor,
        int originalMaxPositionEmbeddings) {

    /** Applies the scaling to the inverse frequencies {@code theta^(-2i/Dh)} of one head. */
    public double[] scale(double[] inverseFrequencies) {
        double lowFreqWavelength = originalMaxPositionEmbeddings / lowFreqFactor;
        double highFreqWavelength = originalMaxPositionEmbeddings / highFreqFactor;
        double[] scaled = new double[inverseFrequencies.length];
        for (int i = 0; i < inverseFrequencies.length; i++) {
            double frequency = inverseFrequencies[i];
            double wavelength = 2 * Math.PI / frequency;
            if (wavelength < highFreqWavelength) {
                scaled[i] = frequency;
            } else if (wavelength > lowFreqWavelength) {
                scaled[i] = frequency / factor;
            } else {
                double smooth = (originalMaxPositionEmbeddings / wavelength - lowFreqFactor)
                        / (highFreqFactor - lowFreqFactor);
                scaled[i] = (1 - smooth) * frequency / factor + smooth * frequency;
            }
        }
        return scaled;
    }
}
