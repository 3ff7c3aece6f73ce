package dev.topiary.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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
import java.util.Optional;
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
    @Test
    void collapsedModelStopsRun(@TempDir Path temp) throws Exception {
        TrainingConfig config = TrainingConfig.builder().steps(20).batchSize(4).sequenceLength(32).learningRate(1e9)
                .weightDecay(0).evalEvery(0).checkpointEvery(1).build();
        Path folder = temp.resolve("run");

        TrainingException error = assertThrows(TrainingException.class, () -> lora(config, folder, false, null));

        ModelCollapsedException collapse = assertInstanceOf(ModelCollapsedException.class, error.getCause());
        int firstCollapsed = collapse.firstCollapsedStep();
        assertTrue(firstCollapsed >= 1, "collapsed after step " + firstCollapsed);
        assertTrue(firstCollapsed < 20, "collapsed after step " + firstCollapsed);
        assertTrue(error.getMessage().contains("collapsed to a uniform next-token distribution"), error.getMessage());
        assertTrue(error.getMessage().contains("ln 512"), error.getMessage());
        assertTrue(error.getMessage().contains("Start a new run with a lower learning rate (--lr, now 1.00e+09)"),
                error.getMessage());
        assertFalse(error.getMessage().contains("--clip"), "clipping is on: " + error.getMessage());
        RunCheckpoints checkpoints = new RunCheckpoints(folder);
        for (Path checkpoint : checkpoints.list()) {
            assertTrue(RunCheckpoints.step(checkpoint) < firstCollapsed, "collapsed checkpoint kept: " + checkpoint);
        }
        if (firstCollapsed > 1) {
            assertEquals(checkpoints.folderOf(firstCollapsed - 1), checkpoints.latest().orElseThrow());
            assertTrue(error.getMessage().contains("(step " + (firstCollapsed - 1) + ")"), error.getMessage());
        }
        assertFalse(Files.exists(folder.resolve("adapter")), "no adapter from collapsed weights");
    }

    @Test
    void stopMessageAdvisesLowerLearningRate() {
        TrainingConfig clipped = config(10, 1e-3);
        TrainingConfig unclipped = clipped.toBuilder().maxGradNorm(0).build();
        Path checkpoint = Path.of("/runs/a/checkpoints/step-000004");

        String withCheckpoint = TrainingRun.stopMessage("Step 5: NaN.", List.of(), Optional.of(checkpoint), clipped);
        String withoutCheckpoint = TrainingRun.stopMessage("Step 2: NaN.", List.of(), Optional.empty(), unclipped);

        assertTrue(withCheckpoint.contains("last good checkpoint is " + checkpoint + " (step 4)"), withCheckpoint);
        assertTrue(withCheckpoint.contains("would repeat this"), withCheckpoint);
        assertTrue(withCheckpoint.endsWith("Start a new run with a lower learning rate (--lr, now 0.00100)."),
                withCheckpoint);
        assertFalse(withCheckpoint.contains("clipping"), withCheckpoint);
        assertTrue(withoutCheckpoint.contains("stopped before its first checkpoint"), withoutCheckpoint);
        assertFalse(withoutCheckpoint.contains("resum"), withoutCheckpoint);
        assertTrue(withoutCheckpoint.endsWith("or with gradient clipping on (--clip 1.0)."), withoutCheckpoint);
    }
}
