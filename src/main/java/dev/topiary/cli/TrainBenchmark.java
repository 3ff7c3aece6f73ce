package dev.topiary.cli;

import dev.topiary.engine.TensorEngine;
import dev.topiary.evaluation.MemoryPeak;
import dev.topiary.model.LanguageModel;
import dev.topiary.training.TrainingBenchmark;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Times one distillation step and one LoRA step for the bench command. The student of the distillation step is a
 * second copy of the benchmarked model, since only the amount of work per token matters here.
 */
final class TrainBenchmark {

    /** Loads another copy of the benchmarked model. */
    @FunctionalInterface
    interface ModelCopy {
        LanguageModel load() throws Exception;
    }

    private TrainBenchmark() {}

    static Map<String, Object> run(TensorEngine engine, LanguageModel model, ModelCopy copy, int batchSize,
            int sequenceLength, int steps) throws Exception {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("train_batch_size", batchSize);
        result.put("train_sequence_length", sequenceLength);
        result.put("train_timed_steps", steps);
        MemoryPeak distillMemory = MemoryPeak.start();
        try (LanguageModel student = copy.load()) {
            TrainingBenchmark.Speed distill = TrainingBenchmark.distillation(engine, model, student, batchSize,
                    sequenceLength, steps);
            result.put("distill_tokens_per_second", distill.tokensPerSecond());
        }
        result.putAll(distillMemory.toMap("distill"));
        MemoryPeak loraMemory = MemoryPeak.start();
        TrainingBenchmark.Speed lora = TrainingBenchmark.lora(engine, model, batchSize, sequenceLength, steps);
        result.put("lora_tokens_per_second", lora.tokensPerSecond());
        result.putAll(loraMemory.toMap("lora"));
        return result;
    }
}
