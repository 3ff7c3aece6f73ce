package dev.topiary.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embeddings in Hugging Face's rotate-half form, with cos and sin tables [P, Dh] that grow on
 * demand and live as long as the model's manager.
 */
final class RotaryEmbedding {

    private final ModelConfig config;
    private final NDManager manager;
    private final DataType dataType; // the model's dtype; tables are computed in float32 and rounded to it
    private final float[] inverseFrequencies; // [Dh/2]
    private NDArray ropeCos; // [P, Dh], grown on demand
    private NDArray ropeSin; // [P, Dh]

    RotaryEmbedding(ModelConfig config, NDManager manager, DataType dataType) {
        this.config = config;
        this.manager = manager;
        this.dataType = dataType;
        this.inverseFrequencies = inverseFrequencies(config);
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

    /** Applies rotary embeddings in Hugging Face's rotate-half form: {@code x cos + rotate_half(x) sin}. */
    static NDArray rotate(NDArray x, NDArray[] rotary) {
        NDList halves = x.split(2, 3); // [B, N, T, Dh] -> 2 x [B, N, T, Dh/2]
        NDArray rotated = halves.get(1).neg().concat(halves.get(0), 3); // [B, N, T, Dh]
        return x.mul(rotary[0]).add(rotated.mul(rotary[1]));
    }

    /** Returns cos and sin tables [T, Dh] for positions {@code start..start+count-1}. */
    NDArray[] tables(int start, int count) {
        int needed = start + count;
        if (ropeCos == null || ropeCos.getShape().get(0) < needed) {
            growTables(Math.max(needed, ropeCos == null ? 256 : (int) ropeCos.getShape().get(0) * 2));
        }
        NDIndex rows = new NDIndex("{}:{}", start, needed);
        return new NDArray[] {ropeCos.get(rows), ropeSin.get(rows)};
    }

    /** Rounds a float32 table to the model's dtype, freeing the float32 array when a copy was made. */
    private NDArray inModelDtype(NDArray table) {
        NDArray converted = table.toType(dataType, false);
        if (converted != table) {
            table.close();
        }
        return converted;
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
        ropeCos = inModelDtype(manager.create(cos, new Shape(positions, headDim)));
        ropeSin = inModelDtype(manager.create(sin, new Shape(positions, headDim)));
        ai.djl.ndarray.NDScope.unregister(ropeCos, ropeSin);
    }
}
