package dev.topiary.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.SharedModels;
import dev.topiary.model.ModelFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GPT-2 byte-level BPE tokenizer.json shipped with tiny-gpt2, read through DJL. */
class HfTokenizerTest {

    @Test
    void encodesGpt2KnownIds() throws Exception {
        HfTokenizer tokenizer = HfTokenizer.load(SharedModels.require("tiny-gpt2/tokenizer.json"), 50257);

        // "Hello" and " world" are ids 15496 and 995 of the GPT-2 vocabulary; GPT-2 adds no BOS.
        assertArrayEquals(new int[] {15496, 995}, tokenizer.encode("Hello world"));
    }

    @Test
    void decodeRestoresTextWithUnicode() throws Exception {
        HfTokenizer tokenizer = HfTokenizer.load(SharedModels.require("tiny-gpt2/tokenizer.json"), 50257);
        String text = "Grüße, 世界! Tabs\tand\nnewlines.";

        assertEquals(text, tokenizer.decode(tokenizer.encode(text)));
    }

    @Test
    void longPromptIsNotTruncated() throws Exception {
        HfTokenizer tokenizer = HfTokenizer.load(SharedModels.require("tiny-gpt2/tokenizer.json"), 50257);

        assertEquals(2000, tokenizer.encode(" the".repeat(2000)).length);
    }

    @Test
    void rejectsFileThatIsNotTokenizerJson(@TempDir Path temp) throws Exception {
        Path bad = temp.resolve("tokenizer.json");
        Files.writeString(bad, "{\"model\": 42}");

        ModelFormatException error = assertThrows(ModelFormatException.class, () -> HfTokenizer.load(bad, 10));

        assertTrue(error.getMessage().contains(bad.toString()), error.getMessage());
        assertTrue(error.getMessage().contains("tokenizer.json"), error.getMessage());
    }
}
