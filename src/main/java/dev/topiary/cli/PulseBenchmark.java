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
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;

/**
 * Measures how responsive the JavaFX thread stays while the engine works the way the window drives it: a capture
 * with progress posted after every batch, and a training run with the Train tab on screen (see
 * {@link TrainingPulse}). Needs a display (or Xvfb).
 */
final class PulseBenchmark implements AutoCloseable {

    private PulseBenchmark() {}

    /** Starts the JavaFX toolkit, which can start only once per process; {@link #close} stops it. */
    static PulseBenchmark start() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        Platform.startup(started::countDown);
        if (!started.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("JavaFX did not start within 30 s; --pulse needs a display, such as "
                    + "xvfb-run -a topiary bench ...");
        }
        Platform.setImplicitExit(false);
        return new PulseBenchmark();
    }

    Map<String, Object> capture(TensorEngine engine, LanguageModel model, PromptSet source, int count, int batchSize)
            throws Exception {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            texts.add(source.prompts().get(i % source.size()).text());
        }
        PromptSet prompts = PromptSet.of("pulse", texts);
        long[] updates = {0};
        PulseMonitor monitor = measure(() -> engine.call(manager -> PromptSetCapture.run(model, prompts,
                new CaptureOptions(batchSize, 10, 0f, 512),
                (done, total) -> Platform.runLater(() -> updates[0]++), () -> false)));

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("pulse_capture_prompts", count);
        result.put("pulse_count", monitor.pulses());
        result.put("pulse_longest_gap_ms", monitor.longestGapMillis());
        return result;
    }

    private static final long SETTLE_MILLIS = 1500;

    /**
     * Runs {@code work} on this thread while a {@link PulseMonitor} records the FX thread's pulses, from half a
     * second before the work, as a baseline, to its end.
     */
    static PulseMonitor measure(Callable<?> work) throws Exception {
        // A stage shown just before this call paints its first frame for a few hundred milliseconds under the
        // software renderer (Xvfb). In the window that happens when the user opens the tab, long before a job
        // starts, so it is left out: recording starts once the stage has settled.
        Thread.sleep(SETTLE_MILLIS);
        PulseMonitor monitor = new PulseMonitor();
        onFxThread(monitor::start);
        Thread.sleep(500); // pulses before the work starts, as a baseline
        try {
            work.call();
        } finally {
            onFxThread(monitor::stop);
        }
        return monitor;
    }

    /** Runs an action on the FX thread and waits for it. */
    static void onFxThread(Runnable action) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                action.run();
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        done.get();
    }

    @Override
    public void close() {
        Platform.exit();
    }
}
