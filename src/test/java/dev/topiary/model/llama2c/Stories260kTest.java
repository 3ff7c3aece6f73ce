package dev.topiary.model.llama2c;

import static dev.topiary.model.LogitAssertions.assertLogitsClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.activations.ActivationRecorder;
import dev.topiary.engine.TensorEngine;
import dev.topiary.model.GenerationOptions;
import dev.topiary.model.GenerationResult;
import dev.topiary.model.Generator;
import dev.topiary.model.LanguageModel;
import dev.topiary.model.ModelRuns;
import dev.topiary.SharedModels;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Karpathy's trained stories260K llama2.c checkpoint (dim 64, 5 layers, 8 heads, 4 kv heads, 512 tokens) loaded
 * through {@link LanguageModel#load}, against {@link Llama2cReference} and against llama2.c's own recorded output.
 */
class Stories260kTest {

    /**
     * What llama2.c's run.c prints for this model with {@code -t 0.0 -n 200}: greedy decoding of 200 tokens after
     * BOS, as pinned by {@code expected_stdout} in llama2.c's test_all.py.
     */
    private static final String RUN_C_OUTPUT = "Once upon a time, there was a little girl named Lily. She loved to play "
            + "outside in the park. One day, she saw a big, red ball. She wanted to play with it, but it was too high.\n"
            + "Lily's mom said, \"Lily, let's go to the park.\" Lily was sad and didn't know what to do. She said, \"I "
            + "want to play with your ball, but I can't find it.\"\nLily was sad and didn't know what to do. She said, "
            + "\"I'm sorry, Lily. I didn't know what to do.\"\nLily didn't want to help her mom, so she";

    private static LanguageModel model;
    private static Llama2cReference reference;

    @BeforeAll
    static void load() throws Exception {
        Path checkpoint = SharedModels.require("stories260K/stories260K.bin");
        model = ModelRuns.load(checkpoint);
        reference = new Llama2cReference(checkpoint);
    }

    @AfterAll
    static void close() {
        if (model != null) {
            ModelRuns.close(model);
        }
    }

    @Test
    void logitsMatchRunCReference() {
        int[] prompt = model.tokenizer().encode("Once upon a time, there was a dog named Max who");
        assertTrue(prompt.length >= 10, "prompt of " + prompt.length + " tokens");

        assertLogitsClose(reference.logits(prompt), ModelRuns.logits(model, prompt), 1e-4);
    }

    @Test
    void greedyGenerationPrintsRunCOutput() {
        GenerationResult result = TensorEngine.get().call(manager -> Generator.generate(model, new int[] {1},
                GenerationOptions.greedy(200), ActivationRecorder.NONE, () -> false));

        assertEquals(200, result.generatedTokens().length);
        assertFalse(result.stoppedAtEndToken());
        assertEquals(RUN_C_OUTPUT, result.text());
    }

    @Test
    void referenceGreedyMatchesEngine() {
        // Ties the reference to llama2.c's recorded output through the engine's tokens.
        int[] engineTokens = ModelRuns.greedyWithCache(model, new int[] {1}, 24);

        assertArrayEquals(engineTokens, reference.greedy(new int[] {1}, 24));
        assertEquals(model.config().vocabSize(), reference.vocabSize());
        assertTrue(RUN_C_OUTPUT.startsWith(model.tokenizer().decode(engineTokens)),
                Arrays.toString(engineTokens));
    }
}
