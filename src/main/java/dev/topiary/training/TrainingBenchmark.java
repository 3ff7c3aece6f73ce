package dev.topiary.training;

import dev.topiary.engine.TensorEngine;
import dev.topiary.model.LanguageModel;
import java.util.Arrays;
import java.util.Random;

/**
 * Measures training speed: tokens per second of whole optimizer steps (teacher and student forward passes,
 * backward pass, clipping and AdamW update) on random token ids, as the median of timed steps after a warm-up.
 */
public final class TrainingBenchmark {

    private TrainingBenchmark() {}

    /** Tokens per second of training steps, as a median, with the step shape it was measured at. */
    public record Speed(double tokensPerSecond, int batchSize, int sequenceLength, int steps) {}

    /**
     * Times distillation steps of {@code student} against {@code teacher}; the student's weights change.
     *
     * @param steps timed steps after one warm-up step
     */
    public static Speed distillation(TensorEngine engine, LanguageModel teacher, LanguageModel student,
            int batchSize, int sequenceLength, int steps) {
        TrainingConfig config = config(batchSize, sequenceLength, steps);
        TrainingData data = randomData(student, config);
        DistillationTask task = engine.call(manager -> new DistillationTask(teacher, student,
                DistillationConfig.defaults()));
        return time(engine, task, data, config);
    }

    /** Times LoRA steps with the default adapters (rank 8 on q_proj and v_proj) on {@code model}. */
    public static Speed lora(TensorEngine engine, LanguageModel model, int batchSize, int sequenceLength, int steps) {
        return lora(engine, model, LoraConfig.defaults(), batchSize, sequenceLength, steps);
    }

    /** Times LoRA steps with the given adapters on {@code model}. */
    public static Speed lora(TensorEngine engine, LanguageModel model, LoraConfig lora, int batchSize,
            int sequenceLength, int steps) {
        TrainingConfig config = config(batchSize, sequenceLength, steps);
        TrainingData data = randomData(model, config);
        LoraTask task = engine.call(manager -> new LoraTask(engine, model, lora, 1, false));
        return time(engine, task, data, config);
    }

    private static TrainingConfig config(int batchSize, int sequenceLength, int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("Time at least 1 training step, got " + steps + ".");
        }
        return TrainingConfig.builder().steps(steps + 1).batchSize(batchSize).sequenceLength(sequenceLength)
                .learningRate(1e-5).warmupSteps(0).evalEvery(0).build();
    }

    /** Random ids from 3 up, past the special tokens of llama2.c and byte vocabularies, enough for every step. */
    private static TrainingData randomData(LanguageModel model, TrainingConfig config) {
        int vocab = model.config().vocabSize();
        int sequences = config.batchSize() * (config.steps() + 1) + 1;
        int[] stream = new int[sequences * (config.sequenceLength() + 1)];
        Random random = new Random(42);
        for (int i = 0; i < stream.length; i++) {
            stream[i] = 3 + random.nextInt(vocab - 3);
        }
        return TrainingData.ofTokens("random", stream, config.sequenceLength(), 0.01);
    }

    private static Speed time(TensorEngine engine, TrainingTask task, TrainingData data, TrainingConfig config) {
        try {
            Trainer trainer = engine.call(manager -> new Trainer(task, data, config));
            try {
                double[] rates = new double[config.steps() - 1];
                for (int step = 1; step <= config.steps(); step++) {
                    int current = step;
                    long started = System.nanoTime();
                    engine.call(manager -> trainer.step(current), TrainingException.class);
                    double seconds = (System.nanoTime() - started) / 1e9;
                    if (step > 1) {
                        rates[step - 2] = config.tokensPerStep() / seconds;
                    }
                }
                Arrays.sort(rates);
                return new Speed(rates[rates.length / 2], config.batchSize(), config.sequenceLength(),
                        rates.length);
            } finally {
                engine.call(manager -> {
                    trainer.close();
                    return null;
                });
            }
        } catch (TrainingException e) {
            throw new IllegalStateException("A benchmark step failed: " + e.getMessage(), e);
        } finally {
            engine.call(manager -> {
                task.close();
                return null;
            });
        }
    }
}
