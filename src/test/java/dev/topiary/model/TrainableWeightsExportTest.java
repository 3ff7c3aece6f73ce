package dev.topiary.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.topiary.SharedModels;
import dev.topiary.engine.TensorEngine;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The device weights a training run updates, and reading them back under Hugging Face names. */
class TrainableWeightsExportTest {

    private final TensorEngine engine = TensorEngine.get();

    @Test
    void deviceWeightsReadBackAsCheckpointTensors() throws Exception {
        try (Checkpoint checkpoint = ModelLoader.open(SharedModels.stories260K(), null);
                LanguageModel model = LanguageModel.load(engine, checkpoint)) {
            Checkpoint live = model.asCheckpoint();

            assertEquals(checkpoint.tensors().names(), live.tensors().names(), "the same names, no lm_head");
            for (String name : checkpoint.tensors().names()) {
                assertArrayEquals(checkpoint.tensors().read(name), live.tensors().read(name), name);
            }
            assertThrows(IllegalArgumentException.class, () -> engine.call(root ->
                    model.transformer().readWeight(WeightNames.LM_HEAD)));
        }
    }

    @Test
    void parametersListFusedWeightsOnceEach() throws Exception {
        try (LanguageModel model = LanguageModel.load(engine, SharedModels.stories260K(), null)) {
            Map<String, ai.djl.ndarray.NDArray> parameters = model.transformer().parameters();

            // embed + final norm + 5 layers x (2 norms, qkv, o, gate_up, down)
            assertEquals(2 + 5 * 6, parameters.size());
            assertFalse(parameters.containsKey(WeightNames.LM_HEAD), "tied embeddings appear once");
            assertEquals(260_032L, parameters.values().stream().mapToLong(ai.djl.ndarray.NDArray::size).sum(),
                    "every parameter of the model");
            assertArrayEquals(new long[] {128, 64},
                    parameters.get(WeightNames.layer(0, WeightNames.QKV_PROJ)).getShape().getShape(),
                    "q (64 rows) then k and v (32 rows each)");
        }
    }
}
