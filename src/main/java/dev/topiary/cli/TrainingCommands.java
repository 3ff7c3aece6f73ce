package dev.topiary.cli;

import dev.topiary.engine.ComputeDtype;
import dev.topiary.engine.TensorEngine;
import dev.topiary.library.ModelLibrary;
import dev.topiary.model.LanguageModel;
import dev.topiary.training.RunResult;
import dev.topiary.training.RunState;
import dev.topiary.training.TrainingRun;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Shared steps of the distill and lora commands: loading models by name and running with a progress bar. */
final class TrainingCommands {

    private TrainingCommands() {}

    /**
     * Loads a model named as {@code --model} takes it: a folder, a llama2.c file, a models.cfg name or a cached Hub
     * repo id, in the dtype of {@code compute} or its models.cfg entry.
     *
     * @param trained whether the run updates this model's weights or trains adapters on it; auto then means
     *     float32, because training rejects float16 models
     */
    static LanguageModel load(ComputeOptions compute, String name, Path tokenizer, boolean trained) throws Exception {
        ModelLibrary.Resolved resolved = ModelLibrary.fromEnvironment(System.getenv()).resolve(name);
        TensorEngine engine = compute.engine(resolved);
        ComputeDtype dtype = compute.dtype(resolved);
        if (trained && dtype == ComputeDtype.AUTO) {
            dtype = ComputeDtype.FLOAT32;
        }
        return LanguageModel.load(engine, resolved.path(), tokenizer != null ? tokenizer : resolved.tokenizer(),
                dtype);
    }

    /**
     * Runs with a progress bar on stderr. Ctrl+C cancels the run between steps, so it writes a checkpoint of the
     * last step before the process exits.
     */
    static RunResult run(TrainingRun run, PrintWriter err) throws Exception {
        run.addListener(new TrainingProgress(err));
        CountDownLatch finished = new CountDownLatch(1);
        Thread cancelOnExit = new Thread(() -> {
            run.cancel();
            try {
                finished.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "topiary-cancel-training");
        Runtime.getRuntime().addShutdownHook(cancelOnExit);
        try {
            return run.run();
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(cancelOnExit);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running: it waits for the latch released above.
            }
        }
    }

    /** Prints where the results are, as text or one JSON object. */
    static void print(RunResult result, boolean json, PrintWriter out) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("state", result.state().name().toLowerCase(java.util.Locale.ROOT));
        summary.put("steps", result.stepsDone());
        summary.put("last_loss", Double.isFinite(result.lastLoss()) ? result.lastLoss() : null);
        if (result.firstEvaluation() != null) {
            summary.put("first_eval_perplexity", result.firstEvaluation().perplexity());
            summary.put("first_eval_kl", finiteOrNull(result.firstEvaluation().kl()));
        }
        if (result.lastEvaluation() != null) {
            summary.put("last_eval_perplexity", result.lastEvaluation().perplexity());
            summary.put("last_eval_kl", finiteOrNull(result.lastEvaluation().kl()));
        }
        summary.put("run", result.folder().toString());
        summary.put("metrics", result.metricsFile().toString());
        summary.put("checkpoint", result.lastCheckpoint() == null ? null : result.lastCheckpoint().toString());
        summary.put("exported", result.exported().stream().map(Path::toString).toList());
        if (json) {
            out.println(Json.write(summary));
            return;
        }
        if (result.state() == RunState.CANCELLED) {
            out.printf("Cancelled after step %d; resume with the same command and --resume.%n", result.stepsDone());
        }
        for (Path folder : result.exported()) {
            out.printf("Wrote %s%n", folder);
        }
        if (result.lastCheckpoint() != null) {
            out.printf("Checkpoint %s%n", result.lastCheckpoint());
        }
        out.printf("Metrics %s%n", result.metricsFile());
    }

    private static Double finiteOrNull(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
