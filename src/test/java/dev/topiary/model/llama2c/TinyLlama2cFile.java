package dev.topiary.model.llama2c;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Writes tiny llama2.c checkpoints in the legacy layout with seeded random weights, and matching
 * {@code tokenizer.bin} files, for tests of the loader.
 *
 * @param header the seven int32 fields: dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size (negative
 *     when the classifier is stored separately) and seq_len
 */
record TinyLlama2cFile(int[] header) {

    /** Returns a valid model: dim 16, hidden_dim 24, 2 layers, 4 heads, 2 kv heads, 40 tokens, seq_len 32. */
    static TinyLlama2cFile valid(boolean sharedClassifier) {
        return new TinyLlama2cFile(new int[] {16, 24, 2, 4, 2, sharedClassifier ? 40 : -40, 32});
    }

    /** Writes the header and, for a valid header, every float array in llama2.c's order. */
    Path write(Path file, long seed) throws IOException {
        int dim = header[0];
        int hiddenDim = header[1];
        int layers = header[2];
        int headSize = dim / header[3];
        int kvDim = header[4] * headSize;
        int vocabSize = Math.abs(header[5]);
        int seqLen = header[6];
        Random random = new Random(seed);
        ByteBuffer bytes = ByteBuffer.allocate(28 + 4 * floatCount()).order(ByteOrder.LITTLE_ENDIAN);
        for (int field : header) {
            bytes.putInt(field);
        }
        fill(bytes, random, vocabSize * dim, 0, 0.5); // token_embedding
        fill(bytes, random, layers * dim, 1, 0.1); // rms_att
        fill(bytes, random, layers * dim * dim, 0, 0.3); // wq
        fill(bytes, random, layers * kvDim * dim, 0, 0.3); // wk
        fill(bytes, random, layers * kvDim * dim, 0, 0.3); // wv
        fill(bytes, random, layers * dim * dim, 0, 0.3); // wo
        fill(bytes, random, layers * dim, 1, 0.1); // rms_ffn
        fill(bytes, random, layers * hiddenDim * dim, 0, 0.3); // w1
        fill(bytes, random, layers * dim * hiddenDim, 0, 0.3); // w2
        fill(bytes, random, layers * hiddenDim * dim, 0, 0.3); // w3
        fill(bytes, random, dim, 1, 0.1); // rms_final
        fill(bytes, random, seqLen * headSize, 0, 1); // freq_cis_real and freq_cis_imag, which loaders skip
        if (header[5] < 0) {
            fill(bytes, random, vocabSize * dim, 0, 0.3); // wcls
        }
        Files.write(file, bytes.array());
        return file;
    }

    /** Writes only the header fields followed by {@code trailingBytes} zero bytes, for headers no model fits. */
    Path writeHeaderOnly(Path file, int trailingBytes) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(28 + trailingBytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int field : header) {
            bytes.putInt(field);
        }
        Files.write(file, bytes.array());
        return file;
    }

    /** Returns the number of floats after the header, derived from the header independently of the loader. */
    int floatCount() {
        int dim = header[0];
        int hiddenDim = header[1];
        int layers = header[2];
        int headSize = dim / header[3];
        int kvDim = header[4] * headSize;
        int vocabSize = Math.abs(header[5]);
        int perLayer = dim + dim * dim + 2 * kvDim * dim + dim * dim + dim + 3 * dim * hiddenDim;
        return vocabSize * dim + layers * perLayer + dim + header[6] * headSize + (header[5] < 0 ? vocabSize * dim : 0);
    }

    private static void fill(ByteBuffer bytes, Random random, int count, double mean, double deviation) {
        for (int i = 0; i < count; i++) {
            bytes.putFloat((float) (mean + deviation * random.nextGaussian()));
        }
    }

    /**
     * Writes a tokenizer.bin with {@code tokens} entries: int32 max token length, then per token a float32
     * score, an int32 byte length and the bytes.
     */
    static Path writeTokenizer(Path file, int tokens) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(4 + tokens * (8 + 8)).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putInt(8);
        for (int id = 0; id < tokens; id++) {
            byte[] piece = String.format("t%d", id).getBytes(StandardCharsets.UTF_8);
            bytes.putFloat(-id).putInt(piece.length).put(piece);
        }
        Files.write(file, Arrays.copyOf(bytes.array(), bytes.position()));
        return file;
    }
}
