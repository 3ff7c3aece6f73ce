package dev.topiary.cli;

import dev.topiary.activations.CaptureOptions;
import dev.topiary.activations.PromptSet;
import dev.topiary.activations.PromptSetCapture;
import dev.topiary.engine.TensorEngine;
import dev.topiary.model.LanguageModel;
import dev.topiary.ui.PulseMonitor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;

/**
 * Measures how responsive the JavaFX thread stays while a capture runs on the engine thread the way the window
 * runs it: progress posted to the FX thread after every batch. Needs a display (or Xvfb).
 */
final class PulseBenchmark {

    private PulseBenchmark() {}

    static Map<String, Object> run(TensorEngine engine, LanguageModel model, PromptSet source, int count, int batchSize)
            throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Platform.startup(started::countDown);
        started.await(30, TimeUnit.SECONDS);
        Platform.setImplicitExit(false);

        List<String> texts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            texts.add(source.prompts().get(i % source.size()).text());
        }
        PromptSet prompts = PromptSet.of("pulse", texts);
        PulseMonitor monitor = new PulseMonitor();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Platform.runLater(() -> {
            monitor.start();
            ready.complete(null);
        });
        ready.get();
        Thread.sleep(500); // pulses before the work starts, as a baseline
        long[] updates = {0};
        engine.call(manager -> PromptSetCapture.run(model, prompts, new CaptureOptions(batchSize, 10, 0f, 512),
                (done, total) -> Platform.runLater(() -> updates[0]++), () -> false));
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        Platform.runLater(() -> {
            monitor.stop();
            stopped.complete(null);
        });
        stopped.get();
        Platform.exit();

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("pulse_capture_prompts", count);
        result.put("pulse_count", monitor.pulses());
        result.put("pulse_longest_gap_ms", monitor.longestGapMillis());
        return result;
    }
}
