package dev.topiary.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.export.StagingFolder;
import dev.topiary.model.LanguageModel;
import dev.topiary.model.Projection;
import dev.topiary.model.safetensors.SafetensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs that stopped in an awkward place: after their final checkpoint, or with a model that collapsed. */
class RunRecoveryTest {

    private static final LoraConfig LORA = new LoraConfig(2, 4, 0, List.of(Projection.Q_PROJ, Projection.V_PROJ));
    private static Stories260K models;

    @BeforeAll
    static void open() throws Exception {
        models = new Stories260K();
    }

    @AfterAll
    static void close() {
        if (models != null) {
            models.close();
        }
    }

    private static TrainingConfig config(int steps, double learningRate) {
        return TrainingConfig.builder().steps(steps).batchSize(4).sequenceLength(32).learningRate(learningRate)
                .weightDecay(0).evalEvery(0).checkpointEvery(2).build();
    }

    private static RunResult lora(TrainingConfig config, Path folder, boolean resume, TrainingListener listener)
            throws Exception {
        try (LanguageModel base = models.loadOriginal()) {
            TrainingRun run = TrainingRun.lora(models.engine, base, Stories260K.trainingData(base, config), config,
                    LORA, true, folder, resume);
            if (listener != null) {
                run.addListener(listener);
            }
            return run.run();
        }
    }

    private static Map<String, float[]> tensors(Path file) throws Exception {
        Map<String, float[]> tensors = new LinkedHashMap<>();
        try (SafetensorsFile safetensors = SafetensorsFile.open(file)) {
            for (String name : safetensors.tensors().keySet()) {
                tensors.put(name, safetensors.readFloats(name));
            }
        }
        return tensors;
    }

    @Test
    void resumeExportsFromFinalCheckpoint(@TempDir Path temp) throws Exception {
        TrainingConfig config = config(4, 1e-2);
        Path folder = temp.resolve("run");
        lora(config, folder, false, null);
        Map<String, float[]> adapter = tensors(folder.resolve("adapter/adapter_model.safetensors"));
        List<String> metrics = Files.readAllLines(folder.resolve(MetricsLog.FILE));
        // What a kill after the final checkpoint and before the export leaves.
        StagingFolder.delete(folder.resolve("adapter"));
        StagingFolder.delete(folder.resolve("model"));
        List<Integer> announced = new ArrayList<>();
        List<Integer> started = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void exportingFromCheckpoint(int step, Path checkpoint) {
                announced.add(step);
            }

            @Override
            public void started(int firstStep, int totalSteps) {
                started.add(firstStep);
            }
        };

        RunResult resumed = lora(config, folder, true, listener);

        assertEquals(RunState.COMPLETED, resumed.state());
        assertEquals(4, resumed.stepsDone());
        assertEquals(List.of(4), announced, "the run says it exports from the checkpoint of step 4");
        assertEquals(List.of(), started, "no training starts");
        assertEquals(metrics, Files.readAllLines(folder.resolve(MetricsLog.FILE)), "no step ran again");
        assertTrue(Files.isRegularFile(folder.resolve("model/model.safetensors")), "merged model written");
        Map<String, float[]> exported = tensors(folder.resolve("adapter/adapter_model.safetensors"));
        assertEquals(adapter.keySet(), exported.keySet());
        for (String name : adapter.keySet()) {
            assertArrayEquals(adapter.get(name), exported.get(name), name);
        }
    }

    @Test
    void resumeWritesOnlyMissingMergedModel(@TempDir Path temp) throws Exception {
        TrainingConfig config = config(2, 1e-2);
        Path folder = temp.resolve("run");
        lora(config, folder, false, null);
        StagingFolder.delete(folder.resolve("model"));

        RunResult resumed = lora(config, folder, true, null);

        assertEquals(RunState.COMPLETED, resumed.state());
        assertEquals(List.of(folder.resolve("adapter"), folder.resolve("model")), resumed.exported());
        assertTrue(Files.isRegularFile(folder.resolve("model/model.safetensors")));
    }

    @Test
    void resumeOfCompletedRunIsRejected(@TempDir Path temp) throws Exception {
        TrainingConfig config = config(2, 1e-2);
        Path folder = temp.resolve("run");
        lora(config, folder, false, null);

        assertTrue(StoredRun.read(folder).completed());
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> lora(config, folder, true, null));
        assertTrue(error.getMessage().contains("finished all 2 steps"), error.getMessage());
        assertFalse(error.getMessage().contains("\n"), error.getMessage());
    }
}
