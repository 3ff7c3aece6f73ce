package dev.topiary.training;

import java.util.Locale;

/**
 * The distillation loss: {@code alpha * T^2 * KL(teacher || student)} on logits divided by the temperature T, plus
 * {@code (1 - alpha)} times the student's cross-entropy on the next token, plus {@code hiddenWeight} times an
 * alignment of the residual streams after the layers both models share. The {@code T^2} factor keeps the soft
 * term's gradients on the scale of the hard term's as T changes (Hinton et al., 2015, "Distilling the Knowledge in a
 * Neural Network").
 *
 * @param temperature T, 1 or more softens both distributions
 * @param alpha the weight of the KL term, between 0 and 1
 * @param hiddenWeight the weight of the hidden-state term, or 0 to leave it out
 * @param hiddenLoss how residual streams are compared
 */
public record DistillationConfig(double temperature, double alpha, double hiddenWeight, HiddenLoss hiddenLoss) {

    /** The comparison of a student's and a teacher's residual stream at one position. */
    public enum HiddenLoss {
        /** {@code 1 - cos(student, teacher)}, insensitive to the streams' scale. */
        COSINE,
        /** The mean squared difference over the hidden size. */
        MSE;

        /** Parses {@code cosine} or {@code mse}, ignoring case. */
        public static HiddenLoss parse(String name) {
            try {
                return valueOf(name.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Unknown hidden-state loss '" + name + "'; use cosine or mse.", e);
            }
        }
    }

    public DistillationConfig {
        if (!(temperature > 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("The distillation temperature must be positive, got " + temperature
                    + ".");
        }
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("Alpha, the weight of the KL term, must be between 0 and 1, got " + alpha
                    + ".");
        }
        if (!(hiddenWeight >= 0) || !Double.isFinite(hiddenWeight)) {
            throw new IllegalArgumentException("The hidden-state weight must be 0 (off) or positive, got "
                    + hiddenWeight + ".");
        }
        if (hiddenLoss == null) {
            hiddenLoss = HiddenLoss.COSINE;
        }
    }

    /** Returns the defaults: T = 2, alpha = 0.5, no hidden-state term. */
    public static DistillationConfig defaults() {
        return new DistillationConfig(2.0, 0.5, 0.0, HiddenLoss.COSINE);
    }
}
