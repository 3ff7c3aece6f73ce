package dev.topiary.activations;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.topiary.model.LanguageModel;
import dev.topiary.model.tokenizer.TextTokenizer;
import java.util.Arrays;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a prompt set through a model in batches and reduces the activations to {@link ActivationAnalysis}
 * statistics on the device, so that only per-neuron sums, maxima and top-k candidates reach the JVM.
 *
 * <p>Prompts of a batch are padded on the right. Causal attention keeps every real token from seeing the
 * padding after it, and a mask keeps the padded positions out of every statistic, so batching changes no
 * value beyond float rounding. Call {@link #run} on the engine thread.
 */
public final class PromptSetCapture {

    private static final Logger log = LoggerFactory.getLogger(PromptSetCapture.class);
    /** Added to padded positions before a max or top-k so that they never win. */
    private static final float EXCLUDED = -1e30f;
    private static final int CONTEXT_BEFORE = 8;
    private static final int CONTEXT_AFTER = 4;

    private PromptSetCapture() {}

    /** Captures the whole set, or the batches before {@code cancelled} returned true. */
    public static ActivationAnalysis run(LanguageModel model, PromptSet prompts, CaptureOptions options,
            CaptureProgress progress, BooleanSupplier cancelled) {
        TextTokenizer tokenizer = model.tokenizer();
        if (tokenizer == null) {
            throw new IllegalArgumentException(model.source() + " has no tokenizer, so prompts cannot be encoded. "
                    + "Open a model folder with tokenizer.json or a llama2.c checkpoint with its tokenizer.");
        }
        int layers = model.config().numHiddenLayers();
        int neurons = model.config().intermediateSize();
        int limit = Math.min(options.maxTokens(), model.config().maxPositionEmbeddings());

        // Tokenize up front: it is cheap, and it fixes the token count of every batch.
        int[][] encoded = new int[prompts.size()][];
        int truncated = 0;
        for (int i = 0; i < prompts.size(); i++) {
            int[] ids = tokenizer.encode(prompts.prompts().get(i).text());
            if (ids.length > limit) {
                ids = Arrays.copyOf(ids, limit);
                truncated++;
            }
            encoded[i] = ids;
        }
        if (truncated > 0) {
            log.warn("Truncated {} of {} prompts to {} tokens", truncated, prompts.size(), limit);
        }

        NeuronStatistics neuronStatistics = new NeuronStatistics(layers, neurons, options.threshold());
        LayerStatistics layerStatistics = new LayerStatistics(layers);
        TopExamples top = new TopExamples(layers, neurons, options.topK());
        int done = 0;
        long tokens = 0;
        long started = System.nanoTime();
        while (done < prompts.size() && !cancelled.getAsBoolean()) {
            int end = Math.min(prompts.size(), done + options.batchSize());
            int[][] batch = Arrays.copyOfRange(encoded, done, end);
            BatchReducer reducer = new BatchReducer(model.manager(), batch, done, options, neuronStatistics,
                    layerStatistics, top);
            try (NDScope scope = new NDScope()) {
                reducer.prepareMasks();
                model.transformer().forward(reducer.paddedTokens(), null, reducer, true);
            }
            long batchTokens = Arrays.stream(batch).mapToLong(ids -> ids.length).sum();
            neuronStatistics.addTokens(batchTokens);
            layerStatistics.addTokens(batchTokens);
            int first = done;
            top.describeNew((promptIndex, position) -> describe(tokenizer, encoded[promptIndex], position));
            tokens += batchTokens;
            done = end;
            progress.update(done, prompts.size());
            log.debug("Captured prompts {}..{} ({} tokens)", first, end - 1, batchTokens);
        }
        log.info("Captured {} of {} prompts ({} tokens) in {} ms", done, prompts.size(), tokens,
                (System.nanoTime() - started) / 1_000_000);

        AnalysisInfo info = new AnalysisInfo(model.name(), model.source().toString(), prompts.name(),
                prompts.source() == null ? "" : prompts.source().toString(), done, prompts.size(), tokens, truncated,
                options.batchSize(), options.threshold(), options.topK());
        return new ActivationAnalysis(info, neuronStatistics, layerStatistics, top);
    }

    /** Returns {token, context} with the token marked as [[token]] among its neighbours. */
    static String[] describe(TextTokenizer tokenizer, int[] ids, int position) {
        int[] before = Arrays.copyOfRange(ids, Math.max(0, position - CONTEXT_BEFORE), position);
        int[] token = {ids[position]};
        int[] through = Arrays.copyOfRange(ids, Math.max(0, position - CONTEXT_BEFORE), position + 1);
        int[] after = Arrays.copyOfRange(ids, position + 1, Math.min(ids.length, position + 1 + CONTEXT_AFTER));
        String tokenText = tokenizer.continuation(before, token);
        if (tokenText.isEmpty()) {
            tokenText = tokenizer.tokenText(ids[position]);
        }
        String context = tokenizer.decode(before) + "[[" + tokenText + "]]" + tokenizer.continuation(through, after);
        return new String[] {tokenText, context.replace("\n", "\\n")};
    }

    /** Reduces the activations of one batch as the forward pass produces them. */
    private static final class BatchReducer implements ActivationRecorder {
        private final NDManager manager;
        private final int[][] batch;
        private final int firstPrompt;
        private final int length;
        private final CaptureOptions options;
        private final NeuronStatistics neuronStatistics;
        private final LayerStatistics layerStatistics;
        private final TopExamples top;
        private NDArray mask; // [B, T, 1], 1 for real tokens and 0 for padding
        private NDArray exclusion; // [B, T, 1], 0 for real tokens and EXCLUDED for padding
        private NDArray residualIn; // [B, T, D], the stream entering the current layer

        BatchReducer(NDManager manager, int[][] batch, int firstPrompt, CaptureOptions options,
                NeuronStatistics neuronStatistics, LayerStatistics layerStatistics, TopExamples top) {
            this.manager = manager;
            this.batch = batch;
            this.firstPrompt = firstPrompt;
            this.length = Arrays.stream(batch).mapToInt(ids -> ids.length).max().orElse(0);
            this.options = options;
            this.neuronStatistics = neuronStatistics;
            this.layerStatistics = layerStatistics;
            this.top = top;
        }

        int[][] paddedTokens() {
            int[][] padded = new int[batch.length][length];
            for (int b = 0; b < batch.length; b++) {
                System.arraycopy(batch[b], 0, padded[b], 0, batch[b].length);
            }
            return padded;
        }

        void prepareMasks() {
            float[] valid = new float[batch.length * length];
            float[] excluded = new float[batch.length * length];
            for (int b = 0; b < batch.length; b++) {
                for (int t = 0; t < length; t++) {
                    boolean real = t < batch[b].length;
                    valid[b * length + t] = real ? 1f : 0f;
                    excluded[b * length + t] = real ? 0f : EXCLUDED;
                }
            }
            mask = manager.create(valid, new Shape(batch.length, length, 1));
            exclusion = manager.create(excluded, new Shape(batch.length, length, 1));
        }

        @Override
        public boolean wants(SiteKind kind) {
            return kind != SiteKind.ATTN_OUT;
        }

        @Override
        public void record(ActivationSite site, NDArray value, int startPosition) {
            switch (site.kind()) {
                case MLP_POST -> reduceNeurons(site.layer(), value);
                case RESID_PRE -> residualIn = value;
                case RESID_POST -> reduceResidual(site.layer(), value);
                default -> { }
            }
        }

        /** Reduces [B, T, F] neuron activations to per-neuron sums, maxima and top-k candidates. */
        private void reduceNeurons(int layer, NDArray value) {
            int neurons = neuronStatistics.neurons();
            int[] tokenAxes = {0, 1};
            NDArray masked = value.mul(mask); // [B, T, F]
            NDArray candidates = value.add(exclusion); // [B, T, F], padding pushed far below any activation
            // DJL's PyTorch max() reduces over one axis only, so the token axes are flattened first.
            NDArray tokenCandidates = candidates.reshape((long) batch.length * length, neurons); // [B T, F]
            NDArray active = value.gt(options.threshold()).toType(DataType.FLOAT32, false).mul(mask);
            NDArray reduced = NDArrays.stack(new NDList(masked.sum(tokenAxes), masked.abs().sum(tokenAxes),
                    masked.square().sum(tokenAxes), tokenCandidates.max(new int[] {0}), active.sum(tokenAxes))); // [5, F]
            float[] host = reduced.toFloatArray();
            neuronStatistics.add(layer, Arrays.copyOfRange(host, 0, neurons),
                    Arrays.copyOfRange(host, neurons, 2 * neurons), Arrays.copyOfRange(host, 2 * neurons, 3 * neurons),
                    Arrays.copyOfRange(host, 3 * neurons, 4 * neurons), Arrays.copyOfRange(host, 4 * neurons, 5 * neurons));

            // Top-k over the batch's tokens: [B T, F] -> k x [F].
            int k = Math.min(options.topK(), batch.length * length);
            NDList best = tokenCandidates.topK(k, 0);
            float[] values = best.get(0).toFloatArray(); // [k, F]
            long[] indices = best.get(1).toLongArray(); // [k, F]
            for (int rank = 0; rank < k; rank++) {
                for (int neuron = 0; neuron < neurons; neuron++) {
                    float candidate = values[rank * neurons + neuron];
                    if (candidate <= EXCLUDED / 2) {
                        continue;
                    }
                    int flat = (int) indices[rank * neurons + neuron];
                    top.offer(layer, neuron, candidate, firstPrompt + flat / length, flat % length);
                }
            }
        }

        /** Adds the masked sums of the output norm and of cos(input, output) over the batch's tokens. */
        private void reduceResidual(int layer, NDArray residualOut) {
            NDArray valid = mask.squeeze(2); // [B, T]
            NDArray outNorm = residualOut.square().sum(new int[] {2}).sqrt(); // [B, T]
            NDArray inNorm = residualIn.square().sum(new int[] {2}).sqrt(); // [B, T]
            NDArray cosine = residualIn.mul(residualOut).sum(new int[] {2}).div(inNorm.mul(outNorm).add(1e-12f));
            float[] sums = NDArrays.stack(new NDList(outNorm.mul(valid).sum(), cosine.mul(valid).sum())).toFloatArray();
            layerStatistics.add(layer, sums[0], sums[1]);
        }
    }
}
