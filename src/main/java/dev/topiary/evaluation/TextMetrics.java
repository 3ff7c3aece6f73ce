package dev.topiary.evaluation;

/**
 * Language-modelling metrics of a model on a text set.
 *
 * @param tokens how many next tokens were scored
 * @param meanCrossEntropy mean negative log-likelihood per scored token, in nats
 * @param meanKl mean KL(reference || model) of next-token distributions per scored token, in nats, or NaN
 *     without a reference
 * @param topOneAgreement fraction of scored positions where the model's and the reference's most likely next
 *     token agree, or NaN without a reference
 */
public record TextMetrics(long tokens, double meanCrossEntropy, double meanKl, double topOneAgreement) {

    /** Returns {@code exp(meanCrossEntropy)}. */
    public double perplexity() {
        return Math.exp(meanCrossEntropy);
    }
}
