package dev.topiary.cli;

import dev.topiary.activations.ActivationAnalysis;
import dev.topiary.activations.CaptureOptions;
import dev.topiary.activations.PromptSet;
import dev.topiary.activations.PromptSetCapture;
import dev.topiary.engine.TensorEngine;
import dev.topiary.evaluation.MemoryPeak;
import dev.topiary.model.LanguageModel;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Times activation capture over a prompt set and records the peak Java heap and native memory it used. */
final class CaptureBenchmark {

    private CaptureBenchmark() {}

    static Map<String, Object> run(TensorEngine engine, LanguageModel model, Path promptFile, int count, int batchSize)
            throws Exception {
        PromptSet source = PromptSet.read(promptFile);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            texts.add(source.prompts().get(i % source.size()).text());
        }
        PromptSet prompts = PromptSet.of(source.name() + "-x" + count, texts);
        CaptureOptions options = new CaptureOptions(batchSize, 10, 0f, 512);

        // Warm-up on a few prompts, then a timed run with the memory peaks reset just before it.
        PromptSet warmUp = PromptSet.of("warm-up", texts.subList(0, Math.min(texts.size(), 2 * batchSize)));
        engine.call(manager -> PromptSetCapture.run(model, warmUp, options, (done, total) -> { }, () -> false));
        System.gc();
        long heapBefore = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        MemoryPeak memory = MemoryPeak.start();
        long started = System.nanoTime();
        ActivationAnalysis analysis = engine.call(manager ->
                PromptSetCapture.run(model, prompts, options, (done, total) -> { }, () -> false));
        double seconds = (System.nanoTime() - started) / 1e9;

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("capture_prompts", count);
        result.put("capture_batch_size", batchSize);
        result.put("capture_tokens", analysis.info().tokens());
        result.put("capture_seconds", seconds);
        result.put("capture_prompts_per_second", count / seconds);
        result.put("capture_tokens_per_second", analysis.info().tokens() / seconds);
        result.put("capture_heap_before_mb", heapBefore / 1048576.0);
        result.putAll(memory.toMap("capture"));
        return result;
    }
}
