package dev.topiary.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.topiary.SharedModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SentencePieceBpeTokenizerTest {

    /** The prompts llama2.c's tokenizer tests use, with non-Latin scripts and characters outside the BMP. */
    private static final List<String> PROMPTS = List.of("hello world!", "abcdefgh", "0123456789",
            "Lets try ö & 株式会社", "𒎗𓐍", "[INST]\n<<<SYS>>>test<<</SYS>>>\nhello[/INST]\n",
            "Once upon a time, there was a little girl named Lily.", "  two  spaces", "Tab\there", "");

    private static SentencePieceBpeTokenizer tokenizer;

    @BeforeAll
    static void load() throws Exception {
        tokenizer = SentencePieceBpeTokenizer.read(SharedModels.require("stories260K/tok512.bin"), 512);
    }

    @Test
    void emptyTextIsBosAlone() {
        assertArrayEquals(new int[] {1}, tokenizer.encode(""));
    }

    @Test
    void unknownCharacterFallsBackToByteTokens() {
        int[] ids = tokenizer.encode("株");
        byte[] utf8 = "株".getBytes(StandardCharsets.UTF_8);

        // BOS, the dummy-prefix space, then one byte token per UTF-8 byte of the character.
        assertEquals(2 + utf8.length, ids.length);
        assertEquals(SentencePieceBpeTokenizer.BOS_ID, ids[0]);
        assertEquals(" ", tokenizer.piece(ids[1]));
        for (int i = 0; i < utf8.length; i++) {
            assertEquals(SentencePieceBpeTokenizer.BYTE_OFFSET + (utf8[i] & 0xff), ids[2 + i]);
        }
    }

    @Test
    void mergesPreferHighestScoringPiece() {
        int[] ids = tokenizer.encode("the");

        // " the" is a single piece of this vocabulary, so the dummy prefix merges into it.
        assertEquals(2, ids.length);
        assertEquals(" the", tokenizer.piece(ids[1]));
    }

    @Test
    void decodeInvertsEncode() {
        for (String prompt : PROMPTS) {
            assertEquals(prompt, tokenizer.decode(tokenizer.encode(prompt)), "round trip of '" + prompt + "'");
        }
    }

    @Test
    void convertedTokenizerJsonEncodesIdentically(@TempDir Path temp) throws Exception {
        Path json = temp.resolve("tokenizer.json");
        TokenizerJsonWriter.write(tokenizer, json, temp.resolve("tokenizer_config.json"), 512);
        HfTokenizer converted = HfTokenizer.load(json, 512);

        for (String prompt : PROMPTS) {
            int[] expected = tokenizer.encode(prompt);
            assertArrayEquals(expected, converted.encode(prompt), "ids of '" + prompt + "'");
            assertEquals(prompt, converted.decode(expected), "decode of '" + prompt + "'");
        }
    }

    @Test
    void convertedTokenizerDecodesLikeLlama2c(@TempDir Path temp) throws Exception {
        Path json = temp.resolve("tokenizer.json");
        TokenizerJsonWriter.write(tokenizer, json, temp.resolve("tokenizer_config.json"), 512);
        HfTokenizer converted = HfTokenizer.load(json, 512);

        for (String prompt : PROMPTS) {
            int[] ids = tokenizer.encode(prompt);
            assertEquals(tokenizer.decode(ids), converted.decode(ids), "decode of '" + prompt + "'");
            if (java.util.Arrays.stream(ids).anyMatch(id -> id >= 3 && id < 259)) {
                continue; // a split between two byte tokens of one character has no text of its own
            }
            int[] head = java.util.Arrays.copyOf(ids, Math.max(1, ids.length / 2));
            int[] tail = java.util.Arrays.copyOfRange(ids, head.length, ids.length);
            assertEquals(tokenizer.continuation(head, tail), converted.continuation(head, tail),
                    "continuation of '" + prompt + "'");
        }
        assertEquals(512, converted.vocabSize());
    }
}
