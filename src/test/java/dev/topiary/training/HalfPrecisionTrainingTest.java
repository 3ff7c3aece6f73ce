package dev.topiary.training;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.SharedModels;
import dev.topiary.engine.ComputeDtype;
import dev.topiary.engine.TensorEngine;
import dev.topiary.model.LanguageModel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training rejects models held in float16, before any array is made trainable and leaving no run folder. */
class HalfPrecisionTrainingTest {

    @Test
    void float16ModelsAreRejectedForTraining() throws Exception {
        TensorEngine engine = TensorEngine.get();
        LanguageModel half = LanguageModel.load(engine, SharedModels.stories260K(), null, ComputeDtype.FLOAT16);
        LanguageModel wide = LanguageModel.load(engine, SharedModels.stories260K(), null, ComputeDtype.FLOAT32);
        try {
            IllegalArgumentException student = assertThrows(IllegalArgumentException.class,
                    () -> engine.call(manager -> new DistillationTask(wide, half, DistillationConfig.defaults())));
            assertTrue(student.getMessage().contains("the student is loaded in float16"), student.getMessage());
            assertTrue(student.getMessage().contains("reopen it with Dtype float32 in the model picker"),
                    student.getMessage());

            IllegalArgumentException base = assertThrows(IllegalArgumentException.class,
                    () -> engine.call(manager -> new LoraTask(engine, half, LoraConfig.defaults(), 1, false)));
            assertTrue(base.getMessage().contains("the LoRA base model is loaded in float16"), base.getMessage());
        } finally {
            half.close();
            wide.close();
        }
    }

    @Test
    void rejectedRunLeavesNoFolder(@TempDir Path temp) throws Exception {
        TensorEngine engine = TensorEngine.get();
        LanguageModel half = LanguageModel.load(engine, SharedModels.stories260K(), null, ComputeDtype.FLOAT16);
        LanguageModel wide = LanguageModel.load(engine, SharedModels.stories260K(), null, ComputeDtype.FLOAT32);
        TrainingConfig config = TrainingConfig.builder().steps(1).sequenceLength(32).build();
        Path folder = temp.resolve("run");
        try {
            TrainingRun run = TrainingRun.lora(engine, half, Stories260K.trainingData(wide, config), config,
                    LoraConfig.defaults(), false, folder, false);

            assertThrows(IllegalArgumentException.class, run::run);
            assertFalse(Files.exists(folder), "the rejected run removed the folder it created");
        } finally {
            half.close();
            wide.close();
        }
    }
}
