package dev.topiary.training;

import com.fasterxml.jackson.databind.JsonNode;
import dev.topiary.activations.JsonLines;
import dev.topiary.activations.Prompt;
import dev.topiary.activations.PromptSet;
import dev.topiary.activations.PromptSetException;
import dev.topiary.model.LanguageModel;
import dev.topiary.model.ModelConfig;
import dev.topiary.model.tokenizer.TextTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;

/**
 * Text turned into training sequences. Every text is encoded the way prompts are (with BOS first when the
 * model has one), followed by the model's end-of-sequence token unless BOS also ends its sequences, as in llama2.c
 * checkpoints whose training stories are separated by BOS alone. The texts form one token stream, cut into packed
 * sequences of {@code sequenceLength + 1} tokens (inputs and the next-token targets shifted by one); the tokens
 * after the last whole sequence are dropped. The last sequences, a fraction of them and at least one, are held out
 * for evaluation. Training sequences are visited in a fresh seeded permutation each epoch, so the batch of any step
 * is a function of the seed and the step alone.
 */
public final class TrainingData {

    private static final String JSONL_EXAMPLE = "{\"text\": \"...\"}";

    private final String name;
    private final Path source;
    private final int[][] train; // [N, T + 1]
    private final int[][] heldOut; // [M, T + 1]
    private final long streamTokens;
    private final String fingerprint;
    private int permutationEpoch = -1;
    private long permutationSeed;
    private int[] permutation;

    private TrainingData(String name, Path source, int[][] train, int[][] heldOut, long streamTokens,
            String fingerprint) {
        this.name = name;
        this.source = source;
        this.train = train;
        this.heldOut = heldOut;
        this.streamTokens = streamTokens;
        this.fingerprint = fingerprint;
    }

    /**
     * Reads a text file (one text per non-blank line) or a JSONL file (one {@code {"text": ...}} per line).
     *
     * @throws PromptSetException when the file is missing, unreadable, has a line without text or contains no text
     * @throws IllegalArgumentException when the model has no tokenizer or the text is too short for the sequence
     *     length
     */
    public static TrainingData read(Path file, TextTokenizer tokenizer, ModelConfig config, int sequenceLength,
            double heldOutFraction) throws PromptSetException {
        return of(readTexts(file), tokenizer, config, sequenceLength, heldOutFraction);
    }

    /**
     * Reads the training text for a model, as {@link #read(Path, TextTokenizer, ModelConfig, int, double)} does,
     * and names the model's role and path when it has no tokenizer.
     *
     * @param role how the message names the model, such as "student" or "LoRA base model"
     */
    public static TrainingData read(Path file, LanguageModel model, String role, int sequenceLength,
            double heldOutFraction) throws PromptSetException {
        if (model.tokenizer() == null) {
            throw new IllegalArgumentException("The " + role + " " + model.source() + " has no tokenizer, so the "
                    + "training text " + file + " cannot be encoded. Use a model folder with tokenizer.json, or pass "
                    + "--tokenizer for a llama2.c checkpoint.");
        }
        return read(file, model.tokenizer(), model.config(), sequenceLength, heldOutFraction);
    }

    /**
     * Reads the texts of a training file. Unlike a prompt set, a JSONL line must have a string {@code "text"}:
     * the paired {@code "a"}/{@code "b"} lines of a fairness file are not training text.
     */
    static PromptSet readTexts(Path file) throws PromptSetException {
        List<String> lines = JsonLines.readLines(file);
        String fileName = file.getFileName().toString();
        boolean jsonl = fileName.endsWith(".jsonl") || fileName.endsWith(".json");
        List<Prompt> texts = new ArrayList<>();
        if (jsonl) {
            for (JsonLines.Line line : JsonLines.parse(file, lines, JSONL_EXAMPLE)) {
                JsonNode text = line.node().get("text");
                if (text == null || !text.isTextual()) {
                    throw new PromptSetException(file, "line " + line.number() + " has no string field \"text\". "
                            + "Each line of training data must be one object such as " + JSONL_EXAMPLE + ".");
                }
                texts.add(new Prompt(String.valueOf(line.number()), text.asText(), null));
            }
        } else {
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (!line.isEmpty()) {
                    texts.add(new Prompt(String.valueOf(i + 1), line, null));
                }
            }
        }
        if (texts.isEmpty()) {
            throw new PromptSetException(file, "contains no training text. Write one text per line"
                    + (jsonl ? " as " + JSONL_EXAMPLE + "." : "."));
        }
        return new PromptSet(JsonLines.baseName(file), file, texts);
    }

    /** Builds the data from a prompt set already in memory. */
    public static TrainingData of(PromptSet texts, TextTokenizer tokenizer, ModelConfig config, int sequenceLength,
            double heldOutFraction) {
        String where = texts.source() == null ? "'" + texts.name() + "'" : texts.source().toString();
        if (tokenizer == null) {
            throw new IllegalArgumentException("The model has no tokenizer, so the training text " + where
                    + " cannot be encoded. Use a model folder with tokenizer.json, or pass --tokenizer for a llama2.c "
                    + "checkpoint.");
        }
        if (sequenceLength < 2 || sequenceLength > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("The sequence length must be between 2 and the model's context of "
                    + config.maxPositionEmbeddings() + " tokens, got " + sequenceLength + ".");
        }
        int separator = separatorAfterText(config);
        List<int[]> encoded = new ArrayList<>();
        long total = 0;
        for (Prompt text : texts.prompts()) {
            int[] ids = tokenizer.encode(text.text());
            if (separator >= 0) {
                ids = Arrays.copyOf(ids, ids.length + 1);
                ids[ids.length - 1] = separator;
            }
            encoded.add(ids);
            total += ids.length;
        }
        return pack(texts.name(), texts.source(), flatten(encoded, total), sequenceLength, heldOutFraction, where);
    }

    /**
     * Builds data from a token stream directly, for benchmarks and tests.
     *
     * @param stream token ids in order
     */
    public static TrainingData ofTokens(String name, int[] stream, int sequenceLength, double heldOutFraction) {
        return pack(name, null, stream, sequenceLength, heldOutFraction, "'" + name + "'");
    }

    /**
     * Returns the token appended after each text, or -1 for none: the first end-of-sequence id, unless the model's
     * BOS is also one of its end-of-sequence ids.
     */
    static int separatorAfterText(ModelConfig config) {
        if (config.eosTokenIds().isEmpty()) {
            return -1;
        }
        if (config.bosTokenId() >= 0 && config.eosTokenIds().contains(config.bosTokenId())) {
            return -1;
        }
        return config.eosTokenIds().get(0);
    }

    private static int[] flatten(List<int[]> parts, long total) {
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("The training text has " + total + " tokens, more than one Java array "
                    + "holds; split the file.");
        }
        int[] stream = new int[(int) total];
        int offset = 0;
        for (int[] part : parts) {
            System.arraycopy(part, 0, stream, offset, part.length);
            offset += part.length;
        }
        return stream;
    }

    private static TrainingData pack(String name, Path source, int[] stream, int sequenceLength,
            double heldOutFraction, String where) {
        int width = sequenceLength + 1;
        int sequences = stream.length / width;
        if (sequences < 2) {
            throw new IllegalArgumentException("The training text " + where + " gives " + stream.length
                    + " tokens, enough for " + sequences + " sequence(s) of " + width + " tokens, but training needs "
                    + "at least 2 (one to train on, one held out). Add more text or lower the sequence length.");
        }
        int heldOutCount = Math.max(1, (int) Math.ceil(sequences * heldOutFraction));
        if (heldOutCount >= sequences) {
            heldOutCount = sequences - 1;
        }
        int trainCount = sequences - heldOutCount;
        int[][] train = new int[trainCount][];
        int[][] heldOut = new int[heldOutCount][];
        for (int i = 0; i < sequences; i++) {
            int[] sequence = Arrays.copyOfRange(stream, i * width, (i + 1) * width);
            if (i < trainCount) {
                train[i] = sequence;
            } else {
                heldOut[i - trainCount] = sequence;
            }
        }
        return new TrainingData(name, source, train, heldOut, stream.length, fingerprint(stream, width));
    }

    /** Returns a CRC-32 of the stream and the sequence width, so a resumed run can tell that its data changed. */
    private static String fingerprint(int[] stream, int width) {
        CRC32 crc = new CRC32();
        byte[] bytes = new byte[4];
        for (int value : stream) {
            bytes[0] = (byte) value;
            bytes[1] = (byte) (value >>> 8);
            bytes[2] = (byte) (value >>> 16);
            bytes[3] = (byte) (value >>> 24);
            crc.update(bytes);
        }
        return String.format("crc32:%08x/%d/%d", crc.getValue(), stream.length, width);
    }

    /**
     * Returns the training sequences of one micro-batch, [B][T + 1].
     *
     * @param firstSample the index of the batch's first sequence in the endless, epoch-by-epoch shuffled order
     */
    public int[][] trainBatch(long firstSample, int batchSize, long seed) {
        int[][] batch = new int[batchSize][];
        for (int b = 0; b < batchSize; b++) {
            long sample = firstSample + b;
            int epoch = Math.toIntExact(sample / train.length);
            batch[b] = train[permutation(epoch, seed)[(int) (sample % train.length)]].clone();
        }
        return batch;
    }

    /** Returns the training sequences' order in one epoch: a Fisher-Yates shuffle seeded by the seed and epoch. */
    private int[] permutation(int epoch, long seed) {
        if (epoch != permutationEpoch || seed != permutationSeed || permutation == null) {
            Random random = new Random(seed * 0x9E3779B97F4A7C15L + epoch);
            int[] order = new int[train.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int swap = order[i];
                order[i] = order[j];
                order[j] = swap;
            }
            permutation = order;
            permutationEpoch = epoch;
            permutationSeed = seed;
        }
        return permutation;
    }

    /** Returns the held-out sequences in order, cut into batches of at most {@code batchSize}; 0 batches for all. */
    public List<int[][]> heldOutBatches(int batchSize, int maxBatches) {
        List<int[][]> batches = new ArrayList<>();
        for (int first = 0; first < heldOut.length; first += batchSize) {
            if (maxBatches > 0 && batches.size() == maxBatches) {
                break;
            }
            batches.add(Arrays.copyOfRange(heldOut, first, Math.min(heldOut.length, first + batchSize)));
        }
        return batches;
    }

    public String name() {
        return name;
    }

    /** Returns the file the text came from, or null. */
    public Path source() {
        return source;
    }

    /** Returns T + 1, the tokens of one packed sequence. */
    public int packedLength() {
        return train[0].length;
    }

    public int trainSequences() {
        return train.length;
    }

    public int heldOutSequences() {
        return heldOut.length;
    }

    /** Returns the tokens of the whole stream, including those after the last whole sequence. */
    public long streamTokens() {
        return streamTokens;
    }

    /** Returns a short text that changes when the token stream or the sequence length does. */
    public String fingerprint() {
        return fingerprint;
    }

    /** Returns a copy of one held-out sequence, for tests and previews. */
    public int[] heldOutSequence(int index) {
        return heldOut[index].clone();
    }
}
