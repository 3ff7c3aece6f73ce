package dev.topiary.model.llama2c;

import static dev.topiary.model.LogitAssertions.assertLogitsClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.model.Checkpoint;
import dev.topiary.model.LanguageModel;
import dev.topiary.model.ModelFormatException;
import dev.topiary.model.ModelLoader;
import dev.topiary.model.ModelRuns;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Llama2cCheckpointTest {

    private static final int[] PROMPT = {1, 7, 22, 3, 39, 15, 8, 30, 2, 11, 26};

    @TempDir
    Path folder;

    @Test
    void interleavedToHalvesReordersRowsWithinEachHead() {
        // Two heads of head dim 4, two columns; row r contains (10 r, 10 r + 1). Within a head, interleaved
        // pairs (0, 1) and (2, 3) become halves: even rows first, then odd rows.
        float[] weight = new float[8 * 2];
        for (int row = 0; row < 8; row++) {
            weight[2 * row] = 10 * row;
            weight[2 * row + 1] = 10 * row + 1;
        }

        float[] permuted = Llama2cCheckpoint.interleavedToHalves(weight, 2, 2);

        float[] expected = {
            0, 1, 20, 21, 10, 11, 30, 31,
            40, 41, 60, 61, 50, 51, 70, 71,
        };
        assertArrayEquals(expected, permuted);
    }

    @ParameterizedTest(name = "shared classifier: {0}")
    @ValueSource(booleans = {true, false})
    void logitsMatchRunCReference(boolean sharedClassifier) throws Exception {
        Path checkpoint = TinyLlama2cFile.valid(sharedClassifier).write(folder.resolve("tiny.bin"), 21);
        TinyLlama2cFile.writeTokenizer(folder.resolve("tokenizer.bin"), 40);
        Llama2cReference reference = new Llama2cReference(checkpoint);

        LanguageModel model = ModelRuns.load(checkpoint);
        try {
            assertEquals(sharedClassifier, model.config().tieWordEmbeddings());
            assertLogitsClose(reference.logits(PROMPT), ModelRuns.logits(model, PROMPT), 1e-4);
        } finally {
            ModelRuns.close(model);
        }
    }

    @Test
    void rejectsFileShorterThanHeaderImplies() throws Exception {
        TinyLlama2cFile tiny = TinyLlama2cFile.valid(true);
        Path checkpoint = tiny.write(folder.resolve("cut.bin"), 1);
        TinyLlama2cFile.writeTokenizer(folder.resolve("tokenizer.bin"), 40);
        long expectedBytes = 28 + 4L * tiny.floatCount();
        try (RandomAccessFile file = new RandomAccessFile(checkpoint.toFile(), "rw")) {
            file.setLength(expectedBytes - 8);
        }

        ModelFormatException error = assertThrows(ModelFormatException.class, () -> ModelLoader.open(checkpoint, null));

        assertEquals(checkpoint, error.file());
        assertTrue(error.getMessage().startsWith(checkpoint.toString()), error.getMessage());
        assertTrue(error.getMessage().contains("implies " + expectedBytes + " bytes"), error.getMessage());
        assertTrue(error.getMessage().contains("the file has " + (expectedBytes - 8)), error.getMessage());
        assertTrue(error.getMessage().contains("dim=16, hidden_dim=24, n_layers=2"), error.getMessage());
    }

    @Test
    void rejectsFileShorterThanHeader() throws Exception {
        Path checkpoint = folder.resolve("stub.bin");
        Files.write(checkpoint, new byte[20]);

        ModelFormatException error = assertThrows(ModelFormatException.class, () -> ModelLoader.open(checkpoint, null));

        assertEquals(checkpoint, error.file());
        assertTrue(error.getMessage().contains("has 20 bytes, fewer than the 28-byte header"), error.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6})
    void rejectsZeroHeaderField(int field) throws Exception {
        int[] header = TinyLlama2cFile.valid(true).header();
        header[field] = 0;
        Path checkpoint = new TinyLlama2cFile(header).writeHeaderOnly(folder.resolve("zero.bin"), 64);

        ModelFormatException error = assertThrows(ModelFormatException.class, () -> ModelLoader.open(checkpoint, null));

        assertEquals(checkpoint, error.file());
        assertTrue(error.getMessage().contains("non-positive size"), error.getMessage());
        String[] names = {"dim", "hidden_dim", "n_layers", "n_heads", "n_kv_heads", "vocab_size", "seq_len"};
        assertTrue(error.getMessage().contains(names[field] + "=0"), error.getMessage());
    }

    @Test
    void rejectsNegativeDim() throws Exception {
        int[] header = TinyLlama2cFile.valid(true).header();
        header[0] = -16;
        Path checkpoint = new TinyLlama2cFile(header).writeHeaderOnly(folder.resolve("negative.bin"), 64);

        ModelFormatException error = assertThrows(ModelFormatException.class, () -> ModelLoader.open(checkpoint, null));

        assertTrue(error.getMessage().contains("non-positive size"), error.getMessage());
        assertTrue(error.getMessage().contains("dim=-16"), error.getMessage());
    }

    @Test
    void rejectsMinimumIntVocabSize() throws Exception {
        // -2^31 has no positive counterpart, so it cannot mean "2^31 tokens with a separate classifier".
        int[] header = TinyLlama2cFile.valid(true).header();
        header[5] = Integer.MIN_VALUE;
        Path checkpoint = new TinyLlama2cFile(header).writeHeaderOnly(folder.resolve("vocab.bin"), 64);

        ModelFormatException error = assertThrows(ModelFormatException.class, () -> ModelLoader.open(checkpoint, null));

        assertTrue(error.getMessage().contains("non-positive size"), error.getMessage());
        assertTrue(error.getMessage().contains("vocab_size=" + Integer.MIN_VALUE), error.getMessage());
    }

    @Test
    void rejectsVersionedExport() throws Exception {
        int[] header = TinyLlama2cFile.valid(true).header();
        header[0] = 0x616b3432; // "ak42", the magic of llama2.c's version 1 and 2 exports
        Path checkpoint = new TinyLlama2cFile(header).writeHeaderOnly(folder.resolve("v1.bin"), 64);

        ModelFormatException error = assertThrows(ModelFormatException.class, () -> ModelLoader.open(checkpoint, null));

        assertTrue(error.getMessage().contains("version 1 or 2 export"), error.getMessage());
    }

    @Test
    void rejectsTokenizerWithFewerTokensThanVocab() throws Exception {
        Path checkpoint = TinyLlama2cFile.valid(true).write(folder.resolve("tiny.bin"), 2);
        Path tokenizer = TinyLlama2cFile.writeTokenizer(folder.resolve("tokenizer.bin"), 30);

        ModelFormatException error = assertThrows(ModelFormatException.class, () -> ModelLoader.open(checkpoint, null));

        assertEquals(tokenizer, error.file());
        assertTrue(error.getMessage().contains("ends after 30 tokens"), error.getMessage());
        assertTrue(error.getMessage().contains("vocabulary of 40"), error.getMessage());
    }

    @Test
    void opensWithoutTokenizerBeside() throws Exception {
        Path checkpoint = TinyLlama2cFile.valid(true).write(folder.resolve("alone.bin"), 3);

        try (Checkpoint opened = ModelLoader.open(checkpoint, null)) {
            assertNull(opened.tokenizer(), "prompts must then be given as token ids");
            assertNull(opened.tokenizerFile());
            assertEquals(40, opened.config().vocabSize());
        }
    }

    @Test
    void rejectsMissingExplicitTokenizer() throws Exception {
        Path checkpoint = TinyLlama2cFile.valid(true).write(folder.resolve("alone.bin"), 4);
        Path tokenizer = folder.resolve("absent.bin");

        ModelFormatException error = assertThrows(ModelFormatException.class,
                () -> ModelLoader.open(checkpoint, tokenizer));

        assertEquals(tokenizer, error.file());
        assertTrue(error.getMessage().contains("tokenizer file not found"), error.getMessage());
    }
}
