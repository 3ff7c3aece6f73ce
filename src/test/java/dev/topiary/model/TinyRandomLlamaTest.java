package dev.topiary.model;

import static dev.topiary.model.LogitAssertions.assertLogitsClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.topiary.SharedModels;
import dev.topiary.model.safetensors.RawSafetensors;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The real tiny-random-LlamaForCausalLM test model (random weights, 32,000-token vocabulary) against the greedy
 * continuation recorded with it: prompt [1, 2, 3] continues with these 8 ids in candle and in an independent
 * forward pass.
 */
class TinyRandomLlamaTest {

    private static final int[] PROMPT = {1, 2, 3};
    private static final int[] EXPECTED = {18568, 1727, 8705, 3598, 27426, 4496, 998, 16911};

    @Test
    void greedyDecodeMatchesRecordedIds() throws Exception {
        Path folder = SharedModels.require("tiny-random-llama");
        LanguageModel model = ModelRuns.load(folder);
        try {
            // config.json names eos_token_id 1, and Generator would stop there. Driving the KV-cache loop
            // here decodes exactly 8 tokens whatever they are.
            assertEquals(List.of(1), model.config().eosTokenIds());
            assertArrayEquals(EXPECTED, ModelRuns.greedyWithCache(model, PROMPT, EXPECTED.length));
        } finally {
            ModelRuns.close(model);
        }
    }

    @Test
    void referenceDecodeMatchesRecordedIds() throws Exception {
        // Checks the reference forward pass itself against the recorded ids.
        ReferenceLlama reference = reference(SharedModels.require("tiny-random-llama"));

        assertArrayEquals(EXPECTED, reference.greedy(PROMPT, EXPECTED.length));
    }

    @Test
    void logitsMatchReference() throws Exception {
        Path folder = SharedModels.require("tiny-random-llama");
        int[] tokens = new int[PROMPT.length + EXPECTED.length];
        System.arraycopy(PROMPT, 0, tokens, 0, PROMPT.length);
        System.arraycopy(EXPECTED, 0, tokens, PROMPT.length, EXPECTED.length);
        LanguageModel model = ModelRuns.load(folder);
        try {
            assertLogitsClose(reference(folder).logits(tokens), ModelRuns.logits(model, tokens), 1e-4);
        } finally {
            ModelRuns.close(model);
        }
    }

    /** Builds the reference from the model's documented settings and weights read without the product's reader. */
    private static ReferenceLlama reference(Path folder) throws Exception {
        Map<String, float[]> weights = RawSafetensors.readF32(folder.resolve("model.safetensors"));
        ReferenceLlama.Config config = new ReferenceLlama.Config(16, 64, 2, 4, 4, 4, 32000, 1e-6, 10000, null,
                false, false, false, 0);
        return new ReferenceLlama(config, weights);
    }
}
