package dev.topiary.cli;

import dev.topiary.engine.ComputeDtype;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Shared steps of the distill and lora commands: loading models by name and running with a progress bar. */
final class TrainingCommands {

    private static final Logger log = LoggerFactory.getLogger(TrainingCommands.class);

    private TrainingCommands() {}

    /**
     * Loads a model that the run does not train, named as {@code --model} takes it: a folder, a llama2.c file, a
     * models.cfg name or a cached Hub repo id, in the dtype of --dtype, its models.cfg entry or the default.
     */
    static LanguageModel loadFrozen(ComputeOptions compute, String name, Path tokenizer) throws Exception {
        ModelLibrary.Resolved resolved = ModelLibrary.fromEnvironment(System.getenv()).resolve(name);
        return LanguageModel.load(compute.engine(resolved), resolved.path(),
                tokenizer != null ? tokenizer : resolved.tokenizer(), compute.dtype(resolved));
    }

    /**
     * Loads a model whose weights or adapters the run trains, always in float32, because training updates and
     * differentiates in float32 only. A models.cfg dtype of the model is overridden with one info line; --dtype
     * and the {@code topiary.dtype} system property do not apply.
     *
     * @param role how the log names the model, such as "student"
     */
    static LanguageModel loadTrained(ComputeOptions compute, String name, Path tokenizer, String role)
            throws Exception {
        ModelLibrary.Resolved resolved = ModelLibrary.fromEnvironment(System.getenv()).resolve(name);
        if (resolved.dtype() == ComputeDtype.FLOAT16) {
            log.info("Loading the {} '{}' in float32 instead of the {} that its models.cfg entry sets, because "
                    + "training runs in float32 only", role, name, resolved.dtype().label());
        }
        return LanguageModel.load(compute.engine(resolved), resolved.path(),
                tokenizer != null ? tokenizer : resolved.tokenizer(), ComputeDtype.FLOAT32);
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
