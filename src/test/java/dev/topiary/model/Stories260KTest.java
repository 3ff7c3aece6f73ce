package dev.topiary.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDScope;
import dev.topiary.SharedModels;
import dev.topiary.activations.ActivationRecorder;
import dev.topiary.activations.SiteKind;
import dev.topiary.activations.TokenActivations;
import dev.topiary.engine.TensorEngine;
import dev.topiary.export.HfFolderWriter;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Acceptance tests on the real trained stories260K model, in its llama2.c form and converted. */
class Stories260KTest {

    private static TensorEngine engine;
    private static LanguageModel llama2c;

    @BeforeAll
    static void load() throws Exception {
        engine = TensorEngine.get();
        llama2c = LanguageModel.load(engine, SharedModels.stories260K(), null);
    }

    @AfterAll
    static void close() {
        if (llama2c != null) {
            llama2c.close();
        }
    }

    private static GenerationResult greedy(LanguageModel model, String prompt, int tokens) {
        int[] promptTokens = model.tokenizer().encode(prompt);
        return engine.call(manager -> Generator.generate(model, promptTokens, GenerationOptions.greedy(tokens),
                ActivationRecorder.NONE, () -> false));
    }

    private static float[] logits(LanguageModel model, int[] tokens, ActivationRecorder recorder) {
        return engine.call(manager -> {
            try (NDScope scope = new NDScope()) {
                return model.transformer().forward(new int[][] {tokens}, null, recorder, false).toFloatArray();
            }
        });
    }

    @Test
    void greedyDecodeIsIdenticalOnEveryRun() {
        GenerationResult first = greedy(llama2c, "Once upon a time", 60);
        GenerationResult second = greedy(llama2c, "Once upon a time", 60);

        assertArrayEquals(first.generatedTokens(), second.generatedTokens());
        assertTrue(first.text().startsWith(","), "a story continues with a comma: " + first.text());
    }

    @Test
    void generationStopsAtStartOfNextStory() {
        GenerationResult result = greedy(llama2c, "", 500);

        assertTrue(result.stoppedAtEndToken(), "a 500-token greedy run ends a story: " + result.text());
        assertTrue(result.generatedTokens().length < 500);
    }

    @Test
    void convertedFolderGivesSameTokensAndLogits(@TempDir Path temp) throws Exception {
        Path folder = temp.resolve("stories260K-hf");
        try (Checkpoint checkpoint = ModelLoader.open(SharedModels.stories260K(), null)) {
            HfFolderWriter.write(checkpoint, folder);
        }
        LanguageModel converted = LanguageModel.load(engine, folder, null);
        try {
            String prompt = "Lily wanted to play with the big red ball";
            int[] tokens = llama2c.tokenizer().encode(prompt);
            assertArrayEquals(tokens, converted.tokenizer().encode(prompt), "tokenizer.json encodes like tok512.bin");

            float[] expected = logits(llama2c, tokens, ActivationRecorder.NONE);
            float[] actual = logits(converted, tokens, ActivationRecorder.NONE);
            assertEquals(expected.length, actual.length);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 1e-4, "logit " + i);
            }

            GenerationResult fromFile = greedy(llama2c, prompt, 80);
            GenerationResult fromFolder = greedy(converted, prompt, 80);
            assertArrayEquals(fromFile.generatedTokens(), fromFolder.generatedTokens());
            assertEquals(fromFile.text(), fromFolder.text());
        } finally {
            converted.close();
        }
    }

    @Test
    void capturingActivationsLeavesLogitsBitIdentical() {
        int[] tokens = llama2c.tokenizer().encode("The cat sat on the mat and looked at the sun.");
        TokenActivations everything = new TokenActivations(5, EnumSet.allOf(SiteKind.class));

        float[] plain = logits(llama2c, tokens, ActivationRecorder.NONE);
        float[] captured = logits(llama2c, tokens, everything);

        assertArrayEquals(plain, captured);
        assertEquals(tokens.length, everything.tokens(SiteKind.MLP_POST));
        assertEquals(172, everything.width(SiteKind.MLP_POST));
        assertEquals(64, everything.width(SiteKind.RESID_POST));
    }

    @Test
    void capturedResidualStreamChainsAcrossLayers() {
        int[] tokens = llama2c.tokenizer().encode("A dog ran.");
        TokenActivations activations = new TokenActivations(5, EnumSet.of(SiteKind.RESID_PRE, SiteKind.RESID_POST));

        logits(llama2c, tokens, activations);

        for (int layer = 0; layer + 1 < 5; layer++) {
            assertArrayEquals(activations.at(SiteKind.RESID_POST, layer, 2),
                    activations.at(SiteKind.RESID_PRE, layer + 1, 2), "layer " + layer + " output feeds layer "
                            + (layer + 1));
        }
        assertFalse(java.util.Arrays.equals(activations.at(SiteKind.RESID_PRE, 0, 2),
                activations.at(SiteKind.RESID_POST, 0, 2)));
    }

    @Test
    void recorderSeesEveryGeneratedToken() {
        int[] prompt = llama2c.tokenizer().encode("Once upon a time");
        TokenActivations activations = new TokenActivations(5, EnumSet.of(SiteKind.MLP_POST));

        GenerationResult result = engine.call(manager -> Generator.generate(llama2c, prompt,
                GenerationOptions.greedy(10), activations, () -> false));

        assertFalse(result.stoppedAtEndToken());
        assertEquals(prompt.length + 10, activations.tokens(SiteKind.MLP_POST));
    }

    @Test
    void zeroNewTokensStillRecordsPrompt() {
        int[] prompt = llama2c.tokenizer().encode("Once upon a time");
        TokenActivations activations = new TokenActivations(5, EnumSet.of(SiteKind.MLP_POST));

        GenerationResult result = engine.call(manager -> Generator.generate(llama2c, prompt,
                GenerationOptions.greedy(0), activations, () -> false));

        assertEquals(0, result.generatedTokens().length);
        assertEquals(prompt.length, activations.tokens(SiteKind.MLP_POST));
    }

    @Test
    void stopReasonNamesContextLimit() {
        int[] story = llama2c.tokenizer().encode("Once upon a time, there was a little girl named Lily. ".repeat(40));
        int[] prompt = java.util.Arrays.copyOf(story, 508);

        GenerationResult result = engine.call(manager -> Generator.generate(llama2c, prompt,
                GenerationOptions.greedy(100), ActivationRecorder.NONE, () -> false));

        assertEquals(StopReason.CONTEXT_LENGTH, result.stopReason());
        assertEquals(4, result.generatedTokens().length, "512-token context minus a 508-token prompt");
    }

    @Test
    void stopReasonNamesTokenLimitAndCancel() {
        int[] prompt = llama2c.tokenizer().encode("Once upon a time");

        GenerationResult limited = engine.call(manager -> Generator.generate(llama2c, prompt,
                GenerationOptions.greedy(5), ActivationRecorder.NONE, () -> false));
        int[] polls = {0};
        GenerationResult cancelled = engine.call(manager -> Generator.generate(llama2c, prompt,
                GenerationOptions.greedy(50), ActivationRecorder.NONE, () -> ++polls[0] > 3));

        assertEquals(StopReason.MAX_NEW_TOKENS, limited.stopReason());
        assertEquals(StopReason.CANCELLED, cancelled.stopReason());
        assertEquals(3, cancelled.generatedTokens().length);
    }

    @Test
    void sampledGenerationRepeatsWithSameSeed() {
        int[] prompt = llama2c.tokenizer().encode("Tom had a");
        GenerationOptions options = new GenerationOptions(40, 0.9, 0.9, 42);
        GenerationResult first = engine.call(manager -> Generator.generate(llama2c, prompt, options,
                ActivationRecorder.NONE, () -> false));
        GenerationResult second = engine.call(manager -> Generator.generate(llama2c, prompt, options,
                ActivationRecorder.NONE, () -> false));

        assertArrayEquals(first.generatedTokens(), second.generatedTokens());
    }
}
