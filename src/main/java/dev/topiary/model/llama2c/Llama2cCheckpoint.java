package dev.topiary.model.llama2c;

import dev.topiary.model.Architecture;
import dev.topiary.model.Checkpoint;
import dev.topiary.model.ModelConfig;
import dev.topiary.model.ModelFormatException;
import dev.topiary.model.TensorSource;
import dev.topiary.model.WeightLayout;
import dev.topiary.model.WeightNames;
import dev.topiary.model.tokenizer.SentencePieceBpeTokenizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a llama2.c checkpoint in the legacy (version 0) layout written by llama2.c's {@code export.py}.
 *
 * <p>The header is seven little-endian int32: dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size,
 * seq_len. A negative vocab_size means the classifier is stored separately at the end of the file;
 * otherwise it is shared with the token embedding. Then come float32 arrays, matrices as [out][in]:
 * token_embedding [V][D], rms_att [L][D], wq [L][D][D], wk [L][Hkv*Dh][D], wv [L][Hkv*Dh][D],
 * wo [L][D][D], rms_ffn [L][D], w1 [L][F][D], w2 [L][D][F], w3 [L][F][D], rms_final [D], two legacy
 * rotary tables of [seq_len][Dh/2] each, and the classifier [V][D] when it is not shared.
 *
 * <p>llama2.c rotates interleaved pairs (2i, 2i+1) of each head, while Hugging Face Llama rotates the pairs
 * (i, i + Dh/2). Permuting the rows of wq and wk within each head (row 2i to i, row 2i+1 to i + Dh/2) makes
 * the two conventions compute the same attention scores, which is how Meta's weights were converted to
 * Hugging Face format. The permuted weights are what this class returns.
 */
public final class Llama2cCheckpoint {

    private static final Logger log = LoggerFactory.getLogger(Llama2cCheckpoint.class);
    private static final int HEADER_BYTES = 7 * 4;
    /** "ak42" read as a little-endian int: the magic of llama2.c's version 1 and 2 exports. */
    private static final int VERSIONED_MAGIC = 0x616b3432;
    /** llama2.c's RMSNorm epsilon and rotary base are fixed in run.c rather than stored in the file. */
    private static final double RMS_NORM_EPS = 1e-5;
    private static final double ROPE_THETA = 10000.0;

    private Llama2cCheckpoint() {}

    /** Reads a checkpoint and its tokenizer; {@code tokenizerFile} may be null to look beside the checkpoint. */
    public static Checkpoint read(Path file, Path tokenizerFile) throws ModelFormatException {
        Header header = readHeader(file);
        ModelConfig config = header.toConfig();
        Map<String, float[]> tensors = readTensors(file, header);
        Path tokenizerPath = tokenizerFile != null ? tokenizerFile : findTokenizer(file, config.vocabSize());
        SentencePieceBpeTokenizer tokenizer = null;
        if (tokenizerPath != null) {
            tokenizer = SentencePieceBpeTokenizer.read(tokenizerPath, config.vocabSize());
        } else {
            log.warn("No tokenizer beside {} (looked for tokenizer.bin and tok{}.bin): prompts must be given as "
                    + "token ids, or the tokenizer with --tokenizer", file, config.vocabSize());
        }
        log.info("Read llama2.c checkpoint {} ({} layers, dim {}, vocab {}) with tokenizer {}", file,
                config.numHiddenLayers(), config.hiddenSize(), config.vocabSize(), tokenizerPath);
        InMemoryTensors weights = new InMemoryTensors(file, tensors, WeightLayout.expected(config));
        return new Checkpoint(file, "llama2.c checkpoint", config, weights, tokenizer, tokenizerPath);
    }

    /** The seven header fields. */
    record Header(int dim, int hiddenDim, int layers, int heads, int kvHeads, int vocabSize, boolean shared,
            int seqLen) {

        int headSize() {
            return dim / heads;
        }

        ModelConfig toConfig() {
            // BOS (id 1) starts every story in these checkpoints, so it ends generation as well as EOS (id 2).
            return new ModelConfig(Architecture.LLAMA, dim, hiddenDim, layers, heads, kvHeads, headSize(), vocabSize,
                    seqLen, RMS_NORM_EPS, ROPE_THETA, null, shared, false, 0, SentencePieceBpeTokenizer.BOS_ID,
                    List.of(SentencePieceBpeTokenizer.EOS_ID, SentencePieceBpeTokenizer.BOS_ID));
        }

        long floatCount() {
            long d = dim;
            long kvDim = (long) kvHeads * headSize();
            long perLayer = d + d * d + 2 * kvDim * d + d * d + d + 3 * d * hiddenDim;
            long rotaryTables = (long) seqLen * headSize();
            return (long) vocabSize * d + perLayer * layers + d + rotaryTables + (shared ? 0 : (long) vocabSize * d);
        }
    }

    static Header readHeader(Path file) throws ModelFormatException {
        long size;
        ByteBuffer bytes = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            size = channel.size();
            if (size < HEADER_BYTES) {
                throw new ModelFormatException(file, "the file has " + size + " bytes, fewer than the 28-byte header "
                        + "of a llama2.c checkpoint. It is truncated or not a llama2.c model.");
            }
            channel.read(bytes, 0);
        } catch (IOException e) {
            throw new ModelFormatException(file, "cannot read the checkpoint (" + e.getMessage() + ").", e);
        }
        bytes.flip();
        int[] fields = new int[7];
        for (int i = 0; i < 7; i++) {
            fields[i] = bytes.getInt();
        }
        if (fields[0] == VERSIONED_MAGIC) {
            throw new ModelFormatException(file, "this is a llama2.c version 1 or 2 export (magic 'ak42'); Topiary "
                    + "reads the legacy version 0 layout. Re-export it with llama2.c's export.py --version 0.");
        }
        Header header = new Header(fields[0], fields[1], fields[2], fields[3], fields[4], Math.abs(fields[5]),
                fields[5] > 0, fields[6]);
        validate(file, header, size);
        return header;
    }

    private static void validate(Path file, Header header, long size) throws ModelFormatException {
        String fields = "dim=" + header.dim + ", hidden_dim=" + header.hiddenDim + ", n_layers=" + header.layers
                + ", n_heads=" + header.heads + ", n_kv_heads=" + header.kvHeads + ", vocab_size=" + header.vocabSize
                + ", seq_len=" + header.seqLen;
        // vocabSize is |vocab_size|, which stays negative when the field is Integer.MIN_VALUE.
        if (header.dim <= 0 || header.hiddenDim <= 0 || header.layers <= 0 || header.heads <= 0
                || header.kvHeads <= 0 || header.vocabSize <= 0 || header.seqLen <= 0) {
            throw new ModelFormatException(file, "the header contains a non-positive size (" + fields
                    + "); this is not a llama2.c checkpoint.");
        }
        if (header.dim % header.heads != 0 || header.heads % header.kvHeads != 0 || header.headSize() % 2 != 0) {
            throw new ModelFormatException(file, "the header is inconsistent (" + fields + "): dim must be a multiple "
                    + "of n_heads with an even head size, and n_heads a multiple of n_kv_heads.");
        }
        long expected = HEADER_BYTES + 4 * header.floatCount();
        if (size < expected) {
            throw new ModelFormatException(file, "the header (" + fields + ") implies " + expected
                    + " bytes but the file has " + size + "; the file is truncated or was written for another "
                    + "model. Download it again.");
        }
        if (size > expected) {
            throw new ModelFormatException(file, "the header (" + fields + ") implies " + expected
                    + " bytes but the file has " + size + "; it is not a legacy llama2.c checkpoint with this header.");
        }
    }

    private static Map<String, float[]> readTensors(Path file, Header header) throws ModelFormatException {
        FloatBuffer data;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, HEADER_BYTES, channel.size() - HEADER_BYTES);
            data = mapped.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        } catch (IOException e) {
            throw new ModelFormatException(file, "cannot read the checkpoint (" + e.getMessage() + ").", e);
        }
        int d = header.dim;
        int kvDim = header.kvHeads * header.headSize();
        int layers = header.layers;
        Map<String, float[]> tensors = new LinkedHashMap<>();

        float[] embedding = take(data, (long) header.vocabSize * d);
        tensors.put(WeightNames.EMBED_TOKENS, embedding);
        float[][] attentionNorm = takeLayers(data, layers, d);
        float[][] wq = takeLayers(data, layers, d * d);
        float[][] wk = takeLayers(data, layers, kvDim * d);
        float[][] wv = takeLayers(data, layers, kvDim * d);
        float[][] wo = takeLayers(data, layers, d * d);
        float[][] ffnNorm = takeLayers(data, layers, d);
        float[][] w1 = takeLayers(data, layers, header.hiddenDim * d);
        float[][] w2 = takeLayers(data, layers, d * header.hiddenDim);
        float[][] w3 = takeLayers(data, layers, header.hiddenDim * d);
        float[] finalNorm = take(data, d);
        data.position(data.position() + header.seqLen * header.headSize()); // legacy rotary tables, unused
        float[] classifier = header.shared ? null : take(data, (long) header.vocabSize * d);

        for (int layer = 0; layer < layers; layer++) {
            tensors.put(WeightNames.layer(layer, WeightNames.INPUT_NORM), attentionNorm[layer]);
            tensors.put(WeightNames.layer(layer, WeightNames.Q_PROJ), interleavedToHalves(wq[layer], header.heads, d));
            tensors.put(WeightNames.layer(layer, WeightNames.K_PROJ),
                    interleavedToHalves(wk[layer], header.kvHeads, d));
            tensors.put(WeightNames.layer(layer, WeightNames.V_PROJ), wv[layer]);
            tensors.put(WeightNames.layer(layer, WeightNames.O_PROJ), wo[layer]);
            tensors.put(WeightNames.layer(layer, WeightNames.POST_ATTENTION_NORM), ffnNorm[layer]);
            tensors.put(WeightNames.layer(layer, WeightNames.GATE_PROJ), w1[layer]);
            tensors.put(WeightNames.layer(layer, WeightNames.DOWN_PROJ), w2[layer]);
            tensors.put(WeightNames.layer(layer, WeightNames.UP_PROJ), w3[layer]);
        }
        tensors.put(WeightNames.FINAL_NORM, finalNorm);
        if (classifier != null) {
            tensors.put(WeightNames.LM_HEAD, classifier);
        }
        return tensors;
    }

    /**
     * Reorders the rows of a q or k projection from llama2.c's interleaved rotary layout to Hugging Face's
     * rotate-half layout: within each head, row {@code 2i + h} moves to row {@code h * Dh/2 + i}.
     */
    public static float[] interleavedToHalves(float[] weight, int heads, int columns) {
        int rows = weight.length / columns;
        int headDim = rows / heads;
        int half = headDim / 2;
        float[] permuted = new float[weight.length];
        for (int head = 0; head < heads; head++) {
            for (int i = 0; i < half; i++) {
                for (int h = 0; h < 2; h++) {
                    int from = head * headDim + 2 * i + h;
                    int to = head * headDim + h * half + i;
                    System.arraycopy(weight, from * columns, permuted, to * columns, columns);
                }
            }
        }
        return permuted;
    }

    private static float[] take(FloatBuffer data, long count) {
        float[] values = new float[Math.toIntExact(count)];
        data.get(values);
        return values;
    }

    private static float[][] takeLayers(FloatBuffer data, int layers, int perLayer) {
        float[][] values = new float[layers][];
        for (int layer = 0; layer < layers; layer++) {
            values[layer] = take(data, perLayer);
        }
        return values;
    }

    /** Looks for {@code tokenizer.bin} or {@code tok<vocab>.bin} beside the checkpoint; returns null if neither exists. */
    static Path findTokenizer(Path checkpoint, int vocabSize) {
        Path folder = checkpoint.toAbsolutePath().getParent();
        for (String name : List.of("tokenizer.bin", "tok" + vocabSize + ".bin")) {
            Path candidate = folder.resolve(name);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** Tensors already read into Java arrays; llama2.c checkpoints are small enough for this. */
    private static final class InMemoryTensors implements TensorSource {
        private final Path file;
        private final Map<String, float[]> tensors;
        private final Map<String, long[]> shapes;

        InMemoryTensors(Path file, Map<String, float[]> tensors, Map<String, long[]> shapes) {
            this.file = file;
            this.tensors = tensors;
            this.shapes = shapes;
        }

        @Override
        public Set<String> names() {
            return tensors.keySet();
        }

        @Override
        public long[] shape(String name) {
            return shapes.get(name);
        }

        @Override
        public Path fileOf(String name) {
            return file;
        }

        @Override
        public String dtypeOf(String name) {
            return "F32";
        }

        @Override
        public float[] read(String name) {
            return tensors.get(name);
        }

        @Override
        public void close() {
            // Nothing native to release.
        }
    }
}
