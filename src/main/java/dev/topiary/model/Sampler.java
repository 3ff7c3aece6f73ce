package dev.topiary.model;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;

/** Picks the next token from logits: argmax at temperature 0, else temperature and top-p sampling. */
public final class Sampler {

    private final double temperature;
    private final double topP;
    private final Random random;

    public Sampler(GenerationOptions options) {
        this.temperature = options.temperature();
        this.topP = options.topP();
        this.random = new Random(options.seed());
    }

    /** Returns the next token id for logits [V]. */
    public int next(float[] logits) {
        if (temperature == 0) {
            return argmax(logits);
        }

        // Softmax at the given temperature, in double for a stable sum.
        double max = Double.NEGATIVE_INFINITY;
        for (float logit : logits) {
            max = Math.max(max, logit);
        }
        double[] probabilities = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            probabilities[i] = Math.exp((logits[i] - max) / temperature);
            sum += probabilities[i];
        }
        for (int i = 0; i < logits.length; i++) {
            probabilities[i] /= sum;
        }

        // Nucleus: keep the most likely tokens until their mass reaches top-p, then sample among them.
        Integer[] order = IntStream.range(0, logits.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> probabilities[i]).reversed());
        double kept = 0;
        int keep = 0;
        while (keep < order.length && (keep == 0 || kept < topP)) {
            kept += probabilities[order[keep]];
            keep++;
        }
        double target = random.nextDouble() * kept;
        double cumulative = 0;
        for (int i = 0; i < keep; i++) {
            cumulative += probabilities[order[i]];
            if (target < cumulative) {
                return order[i];
            }
        }
        return order[keep - 1];
    }

    /** Returns the index of the largest value, the first one on ties. */
    public static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
