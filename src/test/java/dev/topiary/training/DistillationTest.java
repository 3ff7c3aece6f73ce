package dev.topiary.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topiary.SharedModels;
import dev.topiary.activations.PromptSet;
import dev.topiary.evaluation.TextMetrics;
import dev.topiary.evaluation.TextScorer;
import dev.topiary.model.LanguageModel;
import dev.topiary.model.safetensors.SafetensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Distillation of a 30%-MLP-pruned stories260K student from the original, end to end. */
class DistillationTest {

    private static Stories260K models;
    private static LanguageModel teacher;

    @BeforeAll
    static void load() throws Exception {
        models = new Stories260K();
        teacher = models.loadOriginal();
    }

    @AfterAll
    static void close() {
        if (teacher != null) {
            teacher.close();
        }
        if (models != null) {
            models.close();
        }
    }

    private static TextMetrics score(LanguageModel student, PromptSet texts) {
        return models.engine.call(manager -> TextScorer.score(student, teacher, texts, 64, 32, 8,
                (done, total) -> { }, () -> false));
    }

    @Test
    void distillationLowersKlAndPerplexity(@TempDir Path temp) throws Exception {
        PromptSet unseen = PromptSet.read(Stories260K.OTHER_TEXT);
        TrainingConfig config = TrainingConfig.builder().steps(200).batchSize(8).sequenceLength(64)
                .learningRate(3e-3).evalEvery(100).checkpointEvery(100).build();
        try (LanguageModel student = models.loadStudent()) {
            TextMetrics before = score(student, unseen);
            TrainingRun run = TrainingRun.distillation(models.engine, teacher, student,
                    Stories260K.trainingData(student, config), config, DistillationConfig.defaults(),
                    temp.resolve("run"), false);

            RunResult result = run.run();
            TextMetrics after = score(student, unseen);

            assertEquals(RunState.COMPLETED, result.state());
            assertTrue(after.meanKl() < before.meanKl(), "KL to the teacher on unseen text: " + before.meanKl()
                    + " -> " + after.meanKl());
            assertTrue(after.perplexity() < before.perplexity(), "perplexity on unseen text: " + before.perplexity()
                    + " -> " + after.perplexity());
            assertTrue(result.lastEvaluation().kl() < result.firstEvaluation().kl(), "held-out KL");
            assertTrue(result.lastEvaluation().perplexity() < result.firstEvaluation().perplexity(),
                    "held-out perplexity");
        }
    }

    @Test
    void exportedStudentReloadsWithSameLogits(@TempDir Path temp) throws Exception {
        TrainingConfig config = TrainingConfig.builder().steps(5).batchSize(4).sequenceLength(32)
                .learningRate(3e-3).evalEvery(0).build();
        int[][] tokens = {teacher.tokenizer().encode("Once upon a time, there was a little dog.")};
        try (LanguageModel student = models.loadStudent()) {
            RunResult result = TrainingRun.distillation(models.engine, teacher, student,
                    Stories260K.trainingData(student, config), config, DistillationConfig.defaults(),
                    temp.resolve("run"), false).run();
            Path folder = result.exported().get(0);
            float[] trained = Stories260K.logits(student, tokens);

            try (LanguageModel reloaded = LanguageModel.load(models.engine, folder, null)) {
                float[] exported = Stories260K.logits(reloaded, tokens);
                assertEquals(Stories260K.KEPT_NEURONS, reloaded.config().intermediateSize());
                assertTrue(reloaded.config().tieWordEmbeddings(), "embeddings stay tied");
                assertTrue(Stories260K.maxDifference(trained, exported) < 1e-5f, "logits of the written model");
            }
            try (SafetensorsFile weights = SafetensorsFile.open(folder.resolve("model.safetensors"))) {
                assertFalse(weights.tensors().containsKey("lm_head.weight"), "a tied model has no lm_head");
            }
            JsonNode provenance = new ObjectMapper().readTree(folder.resolve("topiary.json").toFile());
            assertEquals("distillation", provenance.get("method").asText());
        }
    }

    @Test
    void resumeRepeatsUninterruptedLosses(@TempDir Path temp) throws Exception {
        TrainingConfig config = TrainingConfig.builder().steps(12).batchSize(4).sequenceLength(32)
                .learningRate(3e-3).warmupSteps(2).evalEvery(0).checkpointEvery(4).gradientAccumulation(2).build();
        DistillationConfig distillation = new DistillationConfig(2.0, 0.5, 0.1, DistillationConfig.HiddenLoss.COSINE);
        List<Double> uninterrupted = new ArrayList<>();
        try (LanguageModel student = models.loadStudent()) {
            TrainingRun run = TrainingRun.distillation(models.engine, teacher, student,
                    Stories260K.trainingData(student, config), config, distillation, temp.resolve("whole"), false);
            run.addListener(collectLosses(uninterrupted));
            run.run();
        }

        Path folder = temp.resolve("interrupted");
        try (LanguageModel student = models.loadStudent()) {
            TrainingRun first = TrainingRun.distillation(models.engine, teacher, student,
                    Stories260K.trainingData(student, config), config, distillation, folder, false);
            first.addListener(new TrainingListener() {
                @Override
                public void stepFinished(StepMetrics metrics) {
                    if (metrics.step() == 6) {
                        first.cancel();
                    }
                }
            });
            RunResult cancelled = first.run();
            assertEquals(RunState.CANCELLED, cancelled.state());
            assertEquals(6, cancelled.stepsDone());
        }
        List<Double> resumed = new ArrayList<>();
        try (LanguageModel student = models.loadStudent()) {
            TrainingRun second = TrainingRun.distillation(models.engine, teacher, student,
                    Stories260K.trainingData(student, config), config, distillation, folder, true);
            second.addListener(collectLosses(resumed));
            assertEquals(RunState.COMPLETED, second.run().state());
        }

        assertEquals(6, resumed.size(), "steps 7 to 12 after the resume");
        for (int i = 0; i < resumed.size(); i++) {
            double expected = uninterrupted.get(6 + i);
            assertEquals(expected, resumed.get(i), 1e-6 * Math.abs(expected), "loss of step " + (7 + i));
        }
        List<Integer> loggedSteps = new ArrayList<>();
        for (String line : Files.readAllLines(folder.resolve("metrics.jsonl"))) {
            loggedSteps.add(new ObjectMapper().readTree(line).get("step").asInt());
        }
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), loggedSteps, "one metrics row per step");
    }

    @Test
    void nonFiniteLossStopsAndKeepsLastCheckpoint(@TempDir Path temp) throws Exception {
        TrainingConfig config = TrainingConfig.builder().steps(20).batchSize(4).sequenceLength(32)
                .learningRate(1e30).warmupSteps(0).maxGradNorm(0).evalEvery(0).checkpointEvery(1)
                .keepCheckpoints(3).build();
        Path folder = temp.resolve("run");
        try (LanguageModel student = models.loadStudent()) {
            TrainingRun run = TrainingRun.distillation(models.engine, teacher, student,
                    Stories260K.trainingData(student, config), config, DistillationConfig.defaults(), folder, false);

            TrainingException error = assertThrows(TrainingException.class, run::run);

            assertEquals(RunState.FAILED, run.state());
            assertTrue(error.getMessage().contains("not a finite number"), error.getMessage());
            assertTrue(error.getMessage().contains("last good checkpoint"), error.getMessage());
            int failedStep = run.currentStep() + 1;
            Path last = folder.resolve("checkpoints").resolve(String.format("step-%06d", failedStep - 1));
            assertTrue(Files.isRegularFile(last.resolve("state.json")), "checkpoint of the step before " + failedStep);
            assertTrue(Files.isRegularFile(last.resolve("weights.safetensors")));
            assertTrue(Files.isRegularFile(last.resolve("optimizer.safetensors")));
            try (Stream<Path> entries = Files.list(folder.resolve("checkpoints"))) {
                assertTrue(entries.noneMatch(path -> path.getFileName().toString().contains("partial")),
                        "no staging folder left");
            }
            assertFalse(Files.exists(folder.resolve("model")), "no model exported");
        }
    }

    @Test
    void studentWithOtherVocabularyIsRejected(@TempDir Path temp) throws Exception {
        TrainingConfig config = TrainingConfig.builder().steps(1).sequenceLength(32).build();
        try (LanguageModel other = LanguageModel.load(models.engine, SharedModels.require("tiny-random-llama"),
                null)) {
            TrainingData data = TrainingData.read(Stories260K.TRAIN_TEXT, teacher.tokenizer(), teacher.config(), 32,
                    0.1);
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> TrainingRun.distillation(models.engine, teacher, other, data, config,
                            DistillationConfig.defaults(), temp.resolve("run"), false));
            assertTrue(error.getMessage().contains("vocabulary of 32000"), error.getMessage());
            assertTrue(error.getMessage().contains("512"), error.getMessage());
        }
    }

    @Test
    void sameModelAsTeacherAndStudentIsRejected(@TempDir Path temp) throws Exception {
        TrainingConfig config = TrainingConfig.builder().steps(1).sequenceLength(32).build();
        TrainingData data = Stories260K.trainingData(teacher, config);
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> TrainingRun.distillation(models.engine, teacher, teacher, data, config,
                        DistillationConfig.defaults(), temp.resolve("run"), false));
        assertTrue(error.getMessage().contains("same loaded model"), error.getMessage());
    }

    private static TrainingListener collectLosses(List<Double> losses) {
        return new TrainingListener() {
            @Override
            public void stepFinished(StepMetrics metrics) {
                losses.add(metrics.loss());
            }
        };
    }
}
