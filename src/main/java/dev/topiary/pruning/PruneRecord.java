package dev.topiary.pruning;

import dev.topiary.model.ModelConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the {@code topiary.json} that records how a pruned model was made. */
public final class PruneRecord {

    private PruneRecord() {}

    /**
     * Returns a JSON-ready map: the source model, the method and its parameters, parameter counts before and
     * after, removed layers, and the removed neurons of every original layer.
     */
    public static Map<String, Object> of(String source, ModelConfig before, PrunePlan plan, String method,
            Map<String, Object> parameters) {
        ModelConfig after = plan.apply(before);
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("tool", "topiary");
        record.put("created", Instant.now().toString());
        record.put("source_model", source);
        record.put("method", method);
        record.put("parameters", parameters);
        record.put("parameters_before", before.parameterCount());
        record.put("parameters_after", after.parameterCount());
        record.put("intermediate_size_before", before.intermediateSize());
        record.put("intermediate_size_after", after.intermediateSize());
        record.put("layers_before", before.numHiddenLayers());
        record.put("layers_after", after.numHiddenLayers());
        record.put("removed_layers", new ArrayList<>(plan.removedLayers().stream().sorted().toList()));
        List<Map<String, Object>> neurons = new ArrayList<>();
        for (int layer = 0; layer < before.numHiddenLayers(); layer++) {
            int[] removed = plan.removedNeurons(layer, before.intermediateSize());
            if (removed.length > 0 && !plan.removedLayers().contains(layer)) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("layer", layer);
                row.put("removed", removed);
                neurons.add(row);
            }
        }
        record.put("removed_neurons", neurons);
        return record;
    }
}
