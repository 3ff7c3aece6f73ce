package dev.topiary.pruning;

import ai.djl.ndarray.NDScope;
import dev.topiary.activations.SiteKind;
import dev.topiary.activations.TokenActivations;
import dev.topiary.model.LanguageModel;
import dev.topiary.model.Sampler;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Measures a {@link BiasReport} by running both prompts of every pair. Call on the engine thread. */
public final class BiasAnalysis {

    private BiasAnalysis() {}

    /** Runs every pair and returns the report; pairs after {@code cancelled} turns true are left out. */
    public static BiasReport measure(LanguageModel model, List<PromptPair> pairs, BooleanSupplier cancelled) {
        if (model.tokenizer() == null) {
            throw new IllegalArgumentException(model.source() + " has no tokenizer, so the pair prompts cannot be "
                    + "encoded.");
        }
        int layers = model.config().numHiddenLayers();
        int neurons = model.config().intermediateSize();
        double[][] biasSum = new double[layers][neurons];
        double[] layerSum = new double[layers];
        List<float[][]> means = new ArrayList<>(); // per prompt: [L][F] mean over tokens
        List<PairDivergence> divergences = new ArrayList<>();

        for (PromptPair pair : pairs) {
            if (cancelled.getAsBoolean()) {
                break;
            }
            Run a = run(model, pair.a());
            Run b = run(model, pair.b());
            means.add(a.mean);
            means.add(b.mean);
            for (int layer = 0; layer < layers; layer++) {
                for (int neuron = 0; neuron < neurons; neuron++) {
                    double lastDifference = Math.abs(a.last[layer][neuron] - b.last[layer][neuron]);
                    double meanDifference = Math.abs(a.mean[layer][neuron] - b.mean[layer][neuron]);
                    biasSum[layer][neuron] += (lastDifference + meanDifference) / 2;
                    layerSum[layer] += meanDifference;
                }
            }
            divergences.add(new PairDivergence(pair.id(), pair.attribute(), symmetricKl(a.logits, b.logits),
                    model.tokenizer().tokenText(Sampler.argmax(a.logits)),
                    model.tokenizer().tokenText(Sampler.argmax(b.logits))));
        }

        int measured = Math.max(1, divergences.size());
        float[][] neuronBias = new float[layers][neurons];
        double[] layerDifference = new double[layers];
        float[][][] pca = new float[layers][][];
        for (int layer = 0; layer < layers; layer++) {
            for (int neuron = 0; neuron < neurons; neuron++) {
                neuronBias[layer][neuron] = (float) (biasSum[layer][neuron] / measured);
            }
            layerDifference[layer] = layerSum[layer] / measured / neurons;
            float[][] points = new float[means.size()][];
            for (int prompt = 0; prompt < means.size(); prompt++) {
                points[prompt] = means.get(prompt)[layer];
            }
            pca[layer] = Pca.project(points, 2);
        }
        return new BiasReport(neuronBias, layerDifference, pca, divergences);
    }

    /** One prompt's activations at its last token and averaged over its tokens, and its next-token logits. */
    private record Run(float[][] last, float[][] mean, float[] logits) {}

    private static Run run(LanguageModel model, String text) {
        int[] ids = model.tokenizer().encode(text);
        int layers = model.config().numHiddenLayers();
        TokenActivations activations = new TokenActivations(layers, EnumSet.of(SiteKind.MLP_POST));
        float[] logits;
        try (NDScope scope = new NDScope()) {
            logits = model.transformer().forward(new int[][] {ids}, null, activations, true).toFloatArray();
        }
        int tokens = activations.tokens(SiteKind.MLP_POST);
        int neurons = activations.width(SiteKind.MLP_POST);
        float[][] last = new float[layers][];
        float[][] mean = new float[layers][neurons];
        for (int layer = 0; layer < layers; layer++) {
            last[layer] = activations.at(SiteKind.MLP_POST, layer, tokens - 1);
            for (int t = 0; t < tokens; t++) {
                float[] row = activations.at(SiteKind.MLP_POST, layer, t);
                for (int neuron = 0; neuron < neurons; neuron++) {
                    mean[layer][neuron] += row[neuron] / tokens;
                }
            }
        }
        return new Run(last, mean, logits);
    }

    /** Returns (KL(p||q) + KL(q||p)) / 2 for the softmax distributions of two logit vectors, in nats. */
    static double symmetricKl(float[] logitsP, float[] logitsQ) {
        double[] p = softmax(logitsP);
        double[] q = softmax(logitsQ);
        double forward = 0;
        double backward = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > 0 && q[i] > 0) {
                forward += p[i] * Math.log(p[i] / q[i]);
                backward += q[i] * Math.log(q[i] / p[i]);
            }
        }
        return (forward + backward) / 2;
    }

    private static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float logit : logits) {
            max = Math.max(max, logit);
        }
        double[] result = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            result[i] = Math.exp(logits[i] - max);
            sum += result[i];
        }
        for (int i = 0; i < result.length; i++) {
            result[i] /= sum;
        }
        return result;
    }
}
