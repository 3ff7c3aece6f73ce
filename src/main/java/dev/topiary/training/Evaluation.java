package dev.topiary.training;

/**
 * Scores over the held-out split.
 *
 * @param step the optimizer steps taken before it, 0 before training
 * @param loss the training objective on held-out data, without dropout
 * @param crossEntropy the mean next-token cross-entropy in nats
 * @param kl the mean KL divergence from teacher to student at temperature 1 in nats, or NaN without a teacher
 * @param tokens the held-out tokens scored
 */
public record Evaluation(int step, double loss, double crossEntropy, double kl, long tokens) {

    /** Returns {@code exp(crossEntropy)}. */
    public double perplexity() {
        return Math.exp(crossEntropy);
    }
}
