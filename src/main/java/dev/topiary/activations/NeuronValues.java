package dev.topiary.activations;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import dev.topiary.model.LanguageModel;
import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * Collects every activation of one MLP neuron over the tokens of a prompt set, for its histogram. Only that
 * neuron's column leaves the device. Call on the engine thread.
 */
public final class NeuronValues {

    private NeuronValues() {}

    /**
     * Returns the neuron's activation at every real token of the first {@code maxPrompts} prompts.
     *
     * @param cancelled polled between batches; the values so far are returned when it is true
     */
    public static float[] collect(LanguageModel model, PromptSet prompts, int layer, int neuron, int maxPrompts,
            int batchSize, BooleanSupplier cancelled) {
        int count = Math.min(maxPrompts, prompts.size());
        int limit = model.config().maxPositionEmbeddings();
        float[] values = new float[0];
        int size = 0;
        for (int first = 0; first < count && !cancelled.getAsBoolean(); first += batchSize) {
            int end = Math.min(count, first + batchSize);
            int[][] batch = new int[end - first][];
            int length = 0;
            for (int i = first; i < end; i++) {
                int[] ids = model.tokenizer().encode(prompts.prompts().get(i).text());
                batch[i - first] = ids.length > limit ? Arrays.copyOf(ids, limit) : ids;
                length = Math.max(length, batch[i - first].length);
            }
            int[][] padded = new int[batch.length][length];
            for (int b = 0; b < batch.length; b++) {
                System.arraycopy(batch[b], 0, padded[b], 0, batch[b].length);
            }
            float[] column = column(model, padded, layer, neuron); // [B, T]
            int needed = size + Arrays.stream(batch).mapToInt(ids -> ids.length).sum();
            values = Arrays.copyOf(values, Math.max(needed, values.length * 2));
            for (int b = 0; b < batch.length; b++) {
                System.arraycopy(column, b * length, values, size, batch[b].length);
                size += batch[b].length;
            }
        }
        return Arrays.copyOf(values, size);
    }

    private static float[] column(LanguageModel model, int[][] padded, int layer, int neuron) {
        float[][] result = new float[1][];
        ActivationRecorder recorder = new ActivationRecorder() {
            @Override
            public boolean wants(SiteKind kind) {
                return kind == SiteKind.MLP_POST;
            }

            @Override
            public void record(ActivationSite site, NDArray value, int startPosition) {
                if (site.layer() == layer) {
                    result[0] = value.get(new NDIndex(":, :, {}", neuron)).toFloatArray(); // [B, T, F] -> [B, T]
                }
            }
        };
        try (NDScope scope = new NDScope()) {
            model.transformer().forward(padded, null, recorder, true);
        }
        return result[0];
    }
}
