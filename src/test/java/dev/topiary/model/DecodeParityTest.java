package dev.topiary.model;

import static dev.topiary.model.LogitAssertions.assertLogitsClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDScope;
import dev.topiary.activations.ActivationRecorder;
import dev.topiary.engine.TensorEngine;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Holds the decode path (queries and keys rotated together, the preallocated KV cache, the single-token
 * attention layout) to the plain-Java {@link ReferenceLlama} within 1e-5, for each architecture, for batches of
 * several sequences and for a cache that has to grow.
 */
class DecodeParityTest {

    /** float32 on the engine against doubles in the reference, for logits of a few units. */
    private static final double TOLERANCE = 1e-5;
    private static final int[] FIRST = {3, 17, 42, 5, 59, 31, 8, 12, 40};
    private static final int[] SECOND = {7, 1, 23, 56, 2, 44, 19, 30, 11};
    private static final int PREFILL = 3;

    @TempDir
    Path folder;

    static Stream<Arguments> architectures() {
        return Stream.of(
                Arguments.of("llama-gqa", TinyHfModel.llama().numKeyValueHeads(2).seed(40)),
                Arguments.of("llama-mqa-bias", TinyHfModel.llama().numKeyValueHeads(1).attentionBias(true).seed(41)),
                Arguments.of("qwen2", TinyHfModel.qwen2().numKeyValueHeads(2).seed(42)),
                Arguments.of("mistral-window", TinyHfModel.mistral().numKeyValueHeads(2).slidingWindow(3).seed(43)),
                Arguments.of("qwen3-head-norms", TinyHfModel.qwen3().numKeyValueHeads(2).headDim(16).seed(44)),
                Arguments.of("gemma", TinyHfModel.gemma().numKeyValueHeads(1).headDim(16).tieWordEmbeddings(true)
                        .seed(45)),
                Arguments.of("gemma2-window-softcap", TinyHfModel.gemma2().numHiddenLayers(3).numKeyValueHeads(2)
                        .headDim(16).tieWordEmbeddings(true).slidingWindow(3).queryPreAttnScalar(24)
                        .softcapping(2, 3).seed(46)),
                Arguments.of("phi3", TinyHfModel.phi3().numKeyValueHeads(2).slidingWindow(4).seed(47)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("architectures")
    void fullForwardMatchesReference(String name, TinyHfModel tiny) throws Exception {
        LanguageModel model = ModelRuns.load(tiny.write(folder.resolve(name)));
        try {
            assertLogitsClose(tiny.reference().logits(FIRST), ModelRuns.logits(model, FIRST), TOLERANCE);
        } finally {
            ModelRuns.close(model);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("architectures")
    void batchedCachedDecodeMatchesReference(String name, TinyHfModel tiny) throws Exception {
        LanguageModel model = ModelRuns.load(tiny.write(folder.resolve(name)));
        try {
            // A capacity of 2 makes the cache grow twice while the prompts are fed.
            float[][][] decoded = cachedDecode(model, new int[][] {FIRST, SECOND}, 2);
            assertLogitsClose(expectedSteps(tiny.reference().logits(FIRST)), decoded[0], TOLERANCE);
            assertLogitsClose(expectedSteps(tiny.reference().logits(SECOND)), decoded[1], TOLERANCE);
        } finally {
            ModelRuns.close(model);
        }
    }

    @Test
    void cacheRejectsDifferentBatchSize() throws Exception {
        LanguageModel model = ModelRuns.load(TinyHfModel.llama().seed(48).write(folder.resolve("llama")));
        try {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () ->
                    TensorEngine.get().call(manager -> {
                        try (KvCache cache = new KvCache(model.manager(), model.config().numHiddenLayers())) {
                            forward(model, cache, new int[][] {{1, 2}, {3, 4}});
                            forward(model, cache, new int[][] {{5}});
                        }
                        return null;
                    }));
            assertEquals("The KV cache contains a batch of 2 sequences but this step has 1. "
                    + "Use one KV cache per batch.", error.getMessage());
        } finally {
            ModelRuns.close(model);
        }
    }

    @Test
    void cacheRejectsCapacityBelowOne() {
        assertThrows(IllegalArgumentException.class,
                () -> TensorEngine.get().call(manager -> new KvCache(manager, 2, 0)));
    }

    /** Reference rows at the positions the decode produces: the last prefill position, then one per step. */
    private static double[][] expectedSteps(double[][] reference) {
        return Arrays.copyOfRange(reference, PREFILL - 1, reference.length);
    }

    /**
     * Feeds the first {@link #PREFILL} tokens of each row in one pass, then the rest one token per pass, and returns
     * the last-position logits of every pass per row: [B][1 + T - PREFILL][V].
     */
    private static float[][][] cachedDecode(LanguageModel model, int[][] rows, int capacity) {
        return TensorEngine.get().call(manager -> {
            int batch = rows.length;
            int passes = 1 + rows[0].length - PREFILL;
            float[][][] result = new float[batch][passes][];
            try (KvCache cache = new KvCache(model.manager(), model.config().numHiddenLayers(), capacity)) {
                for (int pass = 0; pass < passes; pass++) {
                    int from = pass == 0 ? 0 : PREFILL + pass - 1;
                    int to = PREFILL + pass;
                    int[][] input = new int[batch][];
                    for (int b = 0; b < batch; b++) {
                        input[b] = Arrays.copyOfRange(rows[b], from, to);
                    }
                    float[] logits = forward(model, cache, input); // [B, 1, V]
                    int vocab = logits.length / batch;
                    for (int b = 0; b < batch; b++) {
                        result[b][pass] = Arrays.copyOfRange(logits, b * vocab, (b + 1) * vocab);
                    }
                }
            }
            return result;
        });
    }

    private static float[] forward(LanguageModel model, KvCache cache, int[][] input) {
        try (NDScope scope = new NDScope()) {
            return model.transformer().forward(input, cache, ActivationRecorder.NONE, true).toFloatArray();
        }
    }
}
