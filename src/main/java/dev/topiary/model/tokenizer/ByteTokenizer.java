package dev.topiary.model.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One token per UTF-8 byte (id {@code 3 + byte}) after BOS (id 1), like the byte-fallback ids of a
 * SentencePiece vocabulary. It gives synthetic benchmark models realistic token counts for real text.
 */
public final class ByteTokenizer implements TextTokenizer {

    /** Id of the begin-of-sequence token. */
    public static final int BOS_ID = 1;
    private static final int BYTE_OFFSET = 3;
    private final int vocabSize;

    public ByteTokenizer(int vocabSize) {
        if (vocabSize < BYTE_OFFSET + 256) {
            throw new IllegalArgumentException("A byte tokenizer needs a vocabulary of at least 259, got " + vocabSize);
        }
        this.vocabSize = vocabSize;
    }

    @Override
    public int[] encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[bytes.length + 1];
        ids[0] = BOS_ID;
        for (int i = 0; i < bytes.length; i++) {
            ids[i + 1] = BYTE_OFFSET + (bytes[i] & 0xff);
        }
        return ids;
    }

    @Override
    public String decode(int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int id : ids) {
            if (id >= BYTE_OFFSET && id < BYTE_OFFSET + 256) {
                out.write(id - BYTE_OFFSET);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public String tokenText(int id) {
        return id >= BYTE_OFFSET && id < BYTE_OFFSET + 256 ? decode(new int[] {id}) : "<" + id + ">";
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }
}
