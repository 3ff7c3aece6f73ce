package dev.topiary.model.tokenizer;

import dev.topiary.model.ModelFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The SentencePiece BPE tokenizer of llama2.c checkpoints, read from llama2.c's {@code tokenizer.bin} layout:
 * an int32 maximum piece length, then per token a float32 score, an int32 byte length and the UTF-8 bytes.
 *
 * <p>Encoding follows SentencePiece's conventions as llama2.c applies them: BOS first, a leading space (the
 * "dummy prefix") for non-empty text, each UTF-8 character looked up in the vocabulary with unknown ones
 * split into byte tokens ({@code <0x00>} is id 3), then repeatedly the adjacent pair whose merged piece has
 * the highest score is merged, leftmost first on ties.
 */
public final class SentencePieceBpeTokenizer implements TextTokenizer {

    /** Id of {@code <unk>}. */
    public static final int UNK_ID = 0;
    /** Id of the begin-of-sequence token. */
    public static final int BOS_ID = 1;
    /** Id of the end-of-sequence token. */
    public static final int EOS_ID = 2;
    /** Id of the byte token {@code <0x00>}; byte b has id {@code BYTE_OFFSET + b}. */
    public static final int BYTE_OFFSET = 3;

    private final String[] pieces;
    private final byte[][] pieceBytes;
    private final float[] scores;
    private final Map<String, Integer> idsByPiece = new HashMap<>();

    private SentencePieceBpeTokenizer(String[] pieces, byte[][] pieceBytes, float[] scores) {
        this.pieces = pieces;
        this.pieceBytes = pieceBytes;
        this.scores = scores;
        for (int id = 0; id < pieces.length; id++) {
            idsByPiece.putIfAbsent(pieces[id], id);
        }
    }

    /** Reads a llama2.c tokenizer file holding {@code vocabSize} tokens. */
    public static SentencePieceBpeTokenizer read(Path file, int vocabSize) throws ModelFormatException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ModelFormatException(file, "cannot read the tokenizer file (" + e.getMessage() + ").", e);
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (buffer.remaining() < 4) {
            throw new ModelFormatException(file, "the tokenizer file is empty or truncated; expected a llama2.c "
                    + "tokenizer.bin for a vocabulary of " + vocabSize + " tokens.");
        }
        buffer.getInt(); // maximum piece length: llama2.c sizes a buffer with it, Java needs no such buffer
        String[] pieces = new String[vocabSize];
        byte[][] pieceBytes = new byte[vocabSize][];
        float[] scores = new float[vocabSize];
        for (int id = 0; id < vocabSize; id++) {
            if (buffer.remaining() < 8) {
                throw new ModelFormatException(file, "the tokenizer file ends after " + id + " tokens but the model "
                        + "has a vocabulary of " + vocabSize + ". Use the tokenizer trained for this model.");
            }
            scores[id] = buffer.getFloat();
            int length = buffer.getInt();
            if (length < 0 || length > buffer.remaining()) {
                throw new ModelFormatException(file, "token " + id + " has an invalid length of " + length
                        + " bytes; the file is truncated or not a llama2.c tokenizer.");
            }
            pieceBytes[id] = new byte[length];
            buffer.get(pieceBytes[id]);
            pieces[id] = new String(pieceBytes[id], StandardCharsets.UTF_8);
        }
        if (buffer.hasRemaining()) {
            throw new ModelFormatException(file, "the tokenizer file has " + buffer.remaining()
                    + " bytes after token " + (vocabSize - 1) + ", so it holds more tokens than the model's vocabulary of "
                    + vocabSize + ". Use the tokenizer trained for this model.");
        }
        return new SentencePieceBpeTokenizer(pieces, pieceBytes, scores);
    }

    @Override
    public int[] encode(String text) {
        List<Integer> tokens = new ArrayList<>();
        tokens.add(BOS_ID);
        if (text.isEmpty()) {
            return new int[] {BOS_ID};
        }

        // Dummy prefix: SentencePiece treats the text as if it started with a space.
        List<Integer> symbols = new ArrayList<>();
        symbols.add(lookup(" "));

        // One symbol per UTF-8 character, or one byte token per byte for characters outside the vocabulary.
        text.codePoints().forEach(codePoint -> {
            String character = new String(Character.toChars(codePoint));
            Integer id = idsByPiece.get(character);
            if (id != null) {
                symbols.add(id);
            } else {
                for (byte b : character.getBytes(StandardCharsets.UTF_8)) {
                    symbols.add(BYTE_OFFSET + (b & 0xff));
                }
            }
        });

        // Greedy merges: the pair whose merged piece scores highest, leftmost on ties.
        while (true) {
            float bestScore = Float.NEGATIVE_INFINITY;
            int bestId = -1;
            int bestIndex = -1;
            for (int i = 0; i + 1 < symbols.size(); i++) {
                Integer merged = idsByPiece.get(pieces[symbols.get(i)] + pieces[symbols.get(i + 1)]);
                if (merged != null && scores[merged] > bestScore) {
                    bestScore = scores[merged];
                    bestId = merged;
                    bestIndex = i;
                }
            }
            if (bestIndex < 0) {
                break;
            }
            symbols.set(bestIndex, bestId);
            symbols.remove(bestIndex + 1);
        }
        tokens.addAll(symbols);
        return tokens.stream().mapToInt(Integer::intValue).toArray();
    }

    private int lookup(String piece) {
        Integer id = idsByPiece.get(piece);
        return id != null ? id : UNK_ID;
    }

    @Override
    public String decode(int[] ids) {
        return decodeAfter(BOS_ID, ids);
    }

    @Override
    public String continuation(int[] prompt, int[] generated) {
        return decodeAfter(prompt.length == 0 ? BOS_ID : prompt[prompt.length - 1], generated);
    }

    /**
     * Decodes ids that follow {@code previous}. As in SentencePiece, the leading space of a piece that follows
     * BOS is dropped, and byte tokens contribute their raw byte so multi-byte characters reassemble.
     */
    private String decodeAfter(int previous, int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int before = previous;
        for (int id : ids) {
            if (id == BOS_ID || id == EOS_ID || id == UNK_ID) {
                before = id;
                continue;
            }
            byte[] piece = pieceBytes[id];
            int start = before == BOS_ID && piece.length > 0 && piece[0] == ' ' ? 1 : 0;
            if (isByteToken(id)) {
                out.write(id - BYTE_OFFSET);
            } else {
                out.write(piece, start, piece.length - start);
            }
            before = id;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean isByteToken(int id) {
        return id >= BYTE_OFFSET && id < BYTE_OFFSET + 256;
    }

    @Override
    public String tokenText(int id) {
        return switch (id) {
            case UNK_ID -> "<unk>";
            case BOS_ID -> "<s>";
            case EOS_ID -> "</s>";
            default -> id < 0 || id >= pieces.length ? "<" + id + ">" : pieces[id].replace("\n", "\\n");
        };
    }

    @Override
    public int vocabSize() {
        return pieces.length;
    }

    /** Returns the piece of a token as stored in the file, for example {@code " the"} or {@code "<0x0A>"}. */
    public String piece(int id) {
        return pieces[id];
    }

    /** Returns the merge score of a token; higher scores merge first. */
    public float score(int id) {
        return scores[id];
    }
}
