package dev.topiary.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embeddings in Hugging Face's rotate-half form, with cos and sin tables [P, 1, Dh] that grow on
 * demand and live as long as the model's manager. They apply to heads in [B, T, N, Dh] layout, so queries and keys
 * can be rotated in one pass before any transpose.
 */
final class RotaryEmbedding {

    private final ModelConfig config;
    private final NDManager manager;
    private final float[] inverseFrequencies; // [Dh/2]
    private final DataType dataType;
    private final NDArray rotateHalf; // [Dh, Dh]
    private NDArray ropeCos; // [P, 1, Dh], grown on demand
    private NDArray ropeSin; // [P, 1, Dh]

    /** Prepares the embedding for arrays of {@code dataType}, the type of the model's weights. */
    RotaryEmbedding(ModelConfig config, NDManager manager, DataType dataType) {
        this.config = config;
        this.manager = manager;
        this.dataType = dataType;
        this.inverseFrequencies = inverseFrequencies(config);
        this.rotateHalf = rotateHalfMatrix(config.headDim());
    }

    /**
     * Builds R with {@code x R = rotate_half(x) = concat(-x2, x1)} for a row x of Dh values. Each output has one
     * term of plus or minus one, so the matmul is exact; it replaces a split, a negation and a concat.
     */
    private NDArray rotateHalfMatrix(int headDim) {
        int half = headDim / 2;
        float[] matrix = new float[headDim * headDim]; // [Dh, Dh], row = input index, column = output index
        for (int i = 0; i < half; i++) {
            matrix[(half + i) * headDim + i] = -1f; // output i = -x[half + i]
            matrix[i * headDim + half + i] = 1f; // output half + i = x[i]
        }
        return kept(matrix, new Shape(headDim, headDim));
    }

    /** Creates an array of the model's data type that lives until the model's manager closes. */
    private NDArray kept(float[] data, Shape shape) {
        NDArray created = manager.create(data, shape);
        NDArray converted = created.toType(dataType, false);
        if (converted != created) {
            created.close();
        }
        ai.djl.ndarray.NDScope.unregister(converted);
        return converted;
    }

    /** Computes {@code theta^(-2i/Dh)} for each rotated pair, with Llama 3 scaling when configured. */
    private static float[] inverseFrequencies(ModelConfig config) {
        int half = config.headDim() / 2;
        double[] frequencies = new double[half];
        for (int i = 0; i < half; i++) {
            frequencies[i] = 1.0 / Math.pow(config.ropeTheta(), (2.0 * i) / config.headDim());
        }
        if (config.ropeScaling() != null) {
            frequencies = config.ropeScaling().scale(frequencies);
        }
        float[] result = new float[half];
        for (int i = 0; i < half; i++) {
            result[i] = (float) frequencies[i];
        }
        return result;
    }

    /**
     * Applies rotary embeddings in Hugging Face's rotate-half form, {@code x cos + rotate_half(x) sin}, to heads
     * [B, T, N, Dh] with the tables of {@link #tables}.
     */
    NDArray rotate(NDArray x, NDArray[] tables) {
        return x.mul(tables[0]).add(x.matMul(rotateHalf).mul(tables[1]));
    }

    /** Returns cos and sin tables [T, 1, Dh] for positions {@code start..start+count-1}. */
    NDArray[] tables(int start, int count) {
        int needed = start + count;
        if (ropeCos == null || ropeCos.getShape().get(0) < needed) {
            growTables(Math.max(needed, ropeCos == null ? 256 : (int) ropeCos.getShape().get(0) * 2));
        }
        NDIndex rows = new NDIndex().addSliceDim(start, needed);
        return new NDArray[] {ropeCos.get(rows), ropeSin.get(rows)};
    }

    private void growTables(int positions) {
        int headDim = config.headDim();
        int half = headDim / 2;
        float[] cos = new float[positions * headDim];
        float[] sin = new float[positions * headDim];
        for (int position = 0; position < positions; position++) {
            for (int i = 0; i < half; i++) {
                // float32 angle, as transformers computes it, so long positions round the same way
                float angle = position * inverseFrequencies[i];
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                cos[position * headDim + i] = c;
                cos[position * headDim + half + i] = c;
                sin[position * headDim + i] = s;
                sin[position * headDim + half + i] = s;
            }
        }
        if (ropeCos != null) {
            ropeCos.close();
            ropeSin.close();
        }
        ropeCos = kept(cos, new Shape(positions, 1, headDim));
        ropeSin = kept(sin, new Shape(positions, 1, headDim));
    }
}
