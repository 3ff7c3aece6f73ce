package dev.topiary.training;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.SharedModels;
import dev.topiary.engine.ComputeDtype;
import dev.topiary.engine.TensorEngine;
import dev.topiary.model.LanguageModel;
import org.junit.jupiter.api.Test;

/** Training rejects models held in float16, before any array is made trainable. */
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
            assertTrue(student.getMessage().contains("--dtype float32"), student.getMessage());

            IllegalArgumentException base = assertThrows(IllegalArgumentException.class,
                    () -> engine.call(manager -> new LoraTask(engine, half, LoraConfig.defaults(), 1, false)));
            assertTrue(base.getMessage().contains("the LoRA base model is loaded in float16"), base.getMessage());
        } finally {
            half.close();
            wide.close();
        }
    }
}
