package dev.topiary.model.llama2c;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A plain-Java forward pass that follows llama2.c's {@code run.c}: it reads the legacy checkpoint itself and
 * rotates the interleaved pairs (2i, 2i+1) of each head by {@code pos / 10000^(2i / head_size)}, with the
 * q and k rows as stored. It shares no code with {@link Llama2cCheckpoint}, so agreement with the loaded model
 * shows that the loader's q/k row permutation turns one rotary convention into the other.
 */
final class Llama2cReference {

    private static final double RMS_NORM_EPS = 1e-5;

    private final int dim;
    private final int hiddenDim;
    private final int layers;
    private final int heads;
    private final int kvHeads;
    private final int vocabSize;
    private final float[] tokenEmbedding; // [V][D]
    private final float[] rmsAttention; // [L][D]
    private final float[] wq; // [L][D][D]
    private final float[] wk; // [L][Hkv Dh][D]
    private final float[] wv; // [L][Hkv Dh][D]
    private final float[] wo; // [L][D][D]
    private final float[] rmsFfn; // [L][D]
    private final float[] w1; // [L][F][D]
    private final float[] w2; // [L][D][F]
    private final float[] w3; // [L][F][D]
    private final float[] rmsFinal; // [D]
    private final float[] classifier; // [V][D], the token embedding when shared

    /** Reads a legacy (version 0) checkpoint: 7 int32 header fields, then float32 arrays. */
    Llama2cReference(Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        dim = bytes.getInt();
        hiddenDim = bytes.getInt();
        layers = bytes.getInt();
        heads = bytes.getInt();
        kvHeads = bytes.getInt();
        int signedVocabSize = bytes.getInt();
        int seqLen = bytes.getInt();
        vocabSize = Math.abs(signedVocabSize);
        int headSize = dim / heads;
        int kvDim = kvHeads * headSize;

        FloatBuffer floats = bytes.asFloatBuffer();
        tokenEmbedding = take(floats, vocabSize * dim);
        rmsAttention = take(floats, layers * dim);
        wq = take(floats, layers * dim * dim);
        wk = take(floats, layers * kvDim * dim);
        wv = take(floats, layers * kvDim * dim);
        wo = take(floats, layers * dim * dim);
        rmsFfn = take(floats, layers * dim);
        w1 = take(floats, layers * hiddenDim * dim);
        w2 = take(floats, layers * dim * hiddenDim);
        w3 = take(floats, layers * hiddenDim * dim);
        rmsFinal = take(floats, dim);
        take(floats, seqLen * headSize / 2); // freq_cis_real, unused by run.c
        take(floats, seqLen * headSize / 2); // freq_cis_imag
        classifier = signedVocabSize > 0 ? tokenEmbedding : take(floats, vocabSize * dim);
    }

    private static float[] take(FloatBuffer floats, int count) {
        float[] values = new float[count];
        floats.get(values);
        return values;
    }

    /** Returns the logits [T][V] of each position, one token at a time through a key/value cache as run.c does. */
    double[][] logits(int[] tokens) {
        int headSize = dim / heads;
        int kvDim = kvHeads * headSize;
        int queriesPerKv = heads / kvHeads;
        double[][] keyCache = new double[layers][tokens.length * kvDim];
        double[][] valueCache = new double[layers][tokens.length * kvDim];
        double[][] logits = new double[tokens.length][];

        for (int pos = 0; pos < tokens.length; pos++) {
            double[] x = new double[dim];
            for (int i = 0; i < dim; i++) {
                x[i] = tokenEmbedding[tokens[pos] * dim + i];
            }
            for (int layer = 0; layer < layers; layer++) {
                // Attention: rmsnorm, q/k/v matmuls, interleaved rotary, cached keys and values.
                double[] xb = rmsNorm(x, rmsAttention, layer * dim);
                double[] q = matmul(wq, layer * dim * dim, xb, dim);
                double[] k = matmul(wk, layer * kvDim * dim, xb, kvDim);
                double[] v = matmul(wv, layer * kvDim * dim, xb, kvDim);
                for (int i = 0; i < dim; i += 2) {
                    int headDimIndex = i % headSize;
                    double frequency = 1.0 / Math.pow(10000.0, headDimIndex / (double) headSize);
                    double angle = pos * frequency;
                    rotatePair(q, i, angle);
                    if (i < kvDim) {
                        rotatePair(k, i, angle);
                    }
                }
                System.arraycopy(k, 0, keyCache[layer], pos * kvDim, kvDim);
                System.arraycopy(v, 0, valueCache[layer], pos * kvDim, kvDim);

                double[] attended = new double[dim];
                for (int h = 0; h < heads; h++) {
                    int kvOffset = (h / queriesPerKv) * headSize;
                    double[] scores = new double[pos + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int t = 0; t <= pos; t++) {
                        double score = 0;
                        for (int i = 0; i < headSize; i++) {
                            score += q[h * headSize + i] * keyCache[layer][t * kvDim + kvOffset + i];
                        }
                        scores[t] = score / Math.sqrt(headSize);
                        max = Math.max(max, scores[t]);
                    }
                    double sum = 0;
                    for (int t = 0; t <= pos; t++) {
                        scores[t] = Math.exp(scores[t] - max);
                        sum += scores[t];
                    }
                    for (int t = 0; t <= pos; t++) {
                        for (int i = 0; i < headSize; i++) {
                            attended[h * headSize + i] += scores[t] / sum
                                    * valueCache[layer][t * kvDim + kvOffset + i];
                        }
                    }
                }
                double[] output = matmul(wo, layer * dim * dim, attended, dim);
                for (int i = 0; i < dim; i++) {
                    x[i] += output[i];
                }

                // Feed-forward: w2(silu(w1(x)) * w3(x)).
                xb = rmsNorm(x, rmsFfn, layer * dim);
                double[] hidden = matmul(w1, layer * hiddenDim * dim, xb, hiddenDim);
                double[] gate = matmul(w3, layer * hiddenDim * dim, xb, hiddenDim);
                for (int i = 0; i < hiddenDim; i++) {
                    hidden[i] = hidden[i] / (1 + Math.exp(-hidden[i])) * gate[i];
                }
                output = matmul(w2, layer * dim * hiddenDim, hidden, dim);
                for (int i = 0; i < dim; i++) {
                    x[i] += output[i];
                }
            }
            logits[pos] = matmul(classifier, 0, rmsNorm(x, rmsFinal, 0), vocabSize);
        }
        return logits;
    }

    /** Greedily extends {@code prompt} by {@code count} tokens. */
    int[] greedy(int[] prompt, int count) {
        int[] sequence = Arrays.copyOf(prompt, prompt.length + count);
        for (int step = 0; step < count; step++) {
            int length = prompt.length + step;
            double[] last = logits(Arrays.copyOf(sequence, length))[length - 1];
            int best = 0;
            for (int i = 1; i < last.length; i++) {
                if (last[i] > last[best]) {
                    best = i;
                }
            }
            sequence[length] = best;
        }
        return Arrays.copyOfRange(sequence, prompt.length, sequence.length);
    }

    int vocabSize() {
        return vocabSize;
    }

    private static void rotatePair(double[] vector, int i, double angle) {
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        double v0 = vector[i];
        double v1 = vector[i + 1];
        vector[i] = v0 * cos - v1 * sin;
        vector[i + 1] = v0 * sin + v1 * cos;
    }

    private double[] rmsNorm(double[] x, float[] weights, int offset) {
        double sumOfSquares = 0;
        for (double value : x) {
            sumOfSquares += value * value;
        }
        double scale = 1 / Math.sqrt(sumOfSquares / x.length + RMS_NORM_EPS);
        double[] result = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            result[i] = weights[offset + i] * (scale * x[i]);
        }
        return result;
    }

    /** Computes {@code W x} for W stored row-major as [rows][x.length] starting at {@code offset}. */
    private static double[] matmul(float[] matrix, int offset, double[] x, int rows) {
        double[] result = new double[rows];
        for (int row = 0; row < rows; row++) {
            double sum = 0;
            for (int i = 0; i < x.length; i++) {
                sum += matrix[offset + row * x.length + i] * x[i];
            }
            result[row] = sum;
        }
        return result;
    }
}
