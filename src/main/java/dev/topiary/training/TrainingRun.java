package dev.topiary.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.topiary.engine.TensorEngine;
import dev.topiary.export.ExportException;
import dev.topiary.model.LanguageModel;
import dev.topiary.model.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training run in its own folder: distillation of a student from a teacher, or LoRA adapters on a model.
 *
 * <p>{@link #run} blocks the calling thread until the run ends; call it from a worker thread, not the engine
 * thread. Each optimizer step is one call on the engine thread, and between steps the run checks for
 * {@link #pause}, {@link #resume} and {@link #cancel}, which any thread may call. While paused, the engine thread is
 * free for other work. Listeners hear of every step on the thread that called {@link #run}.
 *
 * <p>The folder contains {@code run.json} (the settings), {@code metrics.jsonl} (one row per logged step),
 * {@code checkpoints/step-NNNNNN/} (see {@link RunCheckpoints}) and, once completed, the result: {@code model/} (a
 * Hugging Face folder of the student, or of the LoRA-merged model) and {@code adapter/} (a PEFT adapter).
 */
public final class TrainingRun {

    private static final Logger log = LoggerFactory.getLogger(TrainingRun.class);
    static final String RUN_FILE = "run.json";
    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.WRITE_ENUMS_USING_TO_STRING)
            .enable(DeserializationFeature.READ_ENUMS_USING_TO_STRING);

    private final TensorEngine engine;
    private final Function<TensorEngine, TrainingTask> taskFactory;
    private final String kind;
    private final Object taskConfig;
    private final TrainingData data;
    private final TrainingConfig config;
    private final Path folder;
    private final boolean resumeFromCheckpoint;
    private final List<TrainingListener> listeners = new CopyOnWriteArrayList<>();
    private final RunCheckpoints checkpoints;
    private final Object pauseLock = new Object();
    private volatile boolean pauseRequested;
    private volatile boolean cancelRequested;
    private volatile RunState state = RunState.NEW;
    private volatile int currentStep;
    private StoredRun storedRun;

    private TrainingRun(TensorEngine engine, String kind, Object taskConfig,
            Function<TensorEngine, TrainingTask> taskFactory, TrainingData data, TrainingConfig config, Path folder,
            boolean resumeFromCheckpoint) {
        if (data.packedLength() != config.sequenceLength() + 1) {
            throw new IllegalArgumentException("The training data contains sequences of " + (data.packedLength() - 1)
                    + " tokens but the run's sequence length is " + config.sequenceLength() + ".");
        }
        this.engine = engine;
        this.kind = kind;
        this.taskConfig = taskConfig;
        this.taskFactory = taskFactory;
        this.data = data;
        this.config = config;
        this.folder = folder.toAbsolutePath().normalize();
        this.resumeFromCheckpoint = resumeFromCheckpoint;
        this.checkpoints = new RunCheckpoints(this.folder);
    }

    /**
     * Prepares a distillation run; nothing is trained or written until {@link #run}.
     *
     * @param teacher the original model, frozen throughout
     * @param student the model to train, such as the teacher pruned; its weights change in place
     * @param resumeFromCheckpoint continue the run in {@code folder} from its newest checkpoint, instead of starting
     *     a new run in an absent or empty folder
     * @throws IllegalArgumentException when the models do not share a vocabulary or are the same model
     */
    public static TrainingRun distillation(TensorEngine engine, LanguageModel teacher, LanguageModel student,
            TrainingData data, TrainingConfig config, DistillationConfig distillation, Path folder,
            boolean resumeFromCheckpoint) {
        if (teacher == student) {
            throw new IllegalArgumentException("The teacher and the student are the same loaded model; load the "
                    + "student separately so the teacher keeps its weights.");
        }
        DistillationTask.checkVocabulary(teacher, student);
        return new TrainingRun(engine, "distillation", distillation,
                e -> new DistillationTask(teacher, student, distillation), data, config, folder, resumeFromCheckpoint);
    }

    /**
     * Prepares a LoRA run on a model whose own weights stay frozen.
     *
     * @param merge also write the model with the adapters merged into its weights when the run completes. Adapters
     *     on Phi-3's fused projections need it, because PEFT's format cannot store them.
     * @throws IllegalArgumentException when the rank is larger than a targeted projection's dimensions, or the
     *     adapters could be written neither as a PEFT adapter nor merged
     */
    public static TrainingRun lora(TensorEngine engine, LanguageModel model, TrainingData data, TrainingConfig config,
            LoraConfig lora, boolean merge, Path folder, boolean resumeFromCheckpoint) {
        LoraAdapter.checkRank(model.config(), lora);
        if (!merge && !PeftAdapter.canWrite(model.config(), lora)) {
            throw new IllegalArgumentException("Phi-3 fuses q_proj, k_proj and v_proj into qkv_proj and gate_proj and "
                    + "up_proj into gate_up_proj, so adapters on those cannot be written as a PEFT adapter. Merge "
                    + "them into the model instead (--merge), or target only o_proj and down_proj.");
        }
        return new TrainingRun(engine, "lora", lora, e -> new LoraTask(e, model, lora, config.seed(), merge), data,
                config, folder, resumeFromCheckpoint);
    }

    /** Adds a listener; add listeners before {@link #run}. */
    public void addListener(TrainingListener listener) {
        listeners.add(listener);
    }

    /** Asks the run to wait after the current step until {@link #resume} or {@link #cancel}. */
    public void pause() {
        pauseRequested = true;
    }

    /** Lets a paused run continue. */
    public void resume() {
        synchronized (pauseLock) {
            pauseRequested = false;
            pauseLock.notifyAll();
        }
    }

    /** Asks the run to stop after the current step; it writes a checkpoint of that step, so it can resume later. */
    public void cancel() {
        synchronized (pauseLock) {
            cancelRequested = true;
            pauseLock.notifyAll();
        }
    }

    public RunState state() {
        return state;
    }

    /** Returns the optimizer steps taken so far. */
    public int currentStep() {
        return currentStep;
    }

    public Path folder() {
        return folder;
    }

    public Path metricsFile() {
        return folder.resolve(MetricsLog.FILE);
    }

    public TrainingConfig config() {
        return config;
    }

    /**
     * Runs the steps, evaluations and checkpoints, and on completion exports the result.
     *
     * @return how the run ended: completed or cancelled
     * @throws TrainingException when a loss or gradient is not finite; the newest checkpoint before it is kept
     * @throws IOException when the run folder cannot be written
     * @throws ExportException when the trained model or adapter cannot be written
     */
    public RunResult run() throws TrainingException, IOException, ExportException {
        synchronized (this) {
            if (state != RunState.NEW) {
                throw new IllegalStateException("This run has been started already; create a new TrainingRun.");
            }
            state = RunState.RUNNING;
        }
        boolean folderExisted = Files.exists(folder);
        TrainingTask task;
        try {
            prepareFolder();
            task = engine.call(manager -> taskFactory.apply(engine));
        } catch (IOException | RuntimeException e) {
            setState(RunState.FAILED);
            removeIfCreatedEmpty(folderExisted);
            throw e;
        }
        Trainer trainer = null;
        try {
            try {
                trainer = engine.call(manager -> new Trainer(task, data, config));
            } catch (RuntimeException e) {
                removeIfCreatedEmpty(folderExisted);
                throw e;
            }
            return train(task, trainer);
        } catch (TrainingException e) {
            setState(RunState.FAILED);
            List<Path> deleted = e instanceof ModelCollapsedException collapse
                    ? checkpoints.deleteFrom(collapse.firstCollapsedStep())
                    : List.of();
            throw new TrainingException(stopMessage(e.getMessage(), deleted, checkpoints.latest(), config), e);
        } catch (IOException | ExportException | RuntimeException | Error e) {
            setState(RunState.FAILED);
            throw e;
        } finally {
            Trainer openTrainer = trainer;
            engine.call(manager -> {
                if (openTrainer != null) {
                    openTrainer.close();
                }
                task.close();
                return null;
            });
        }
    }

    /**
     * Builds the message of a run stopped by a {@link TrainingException}: its cause, the checkpoints, and the fix.
     * Runs are deterministic and a resume must repeat the stored settings, so resuming would only repeat the
     * failure. The fix is a new run with a lower learning rate.
     *
     * @param deleted checkpoints removed because they contain collapsed weights
     * @param last the newest checkpoint left, if any
     */
    static String stopMessage(String cause, List<Path> deleted, Optional<Path> last, TrainingConfig config) {
        StringBuilder message = new StringBuilder(cause);
        if (!deleted.isEmpty()) {
            message.append(" Deleted the checkpoints written after the collapse: ").append(deleted).append('.');
        }
        message.append(last.map(path -> " The run stopped; its last good checkpoint is " + path + " (step "
                + RunCheckpoints.step(path) + "), but resuming from it with the same settings would repeat this.")
                .orElse(" The run stopped before its first checkpoint."));
        message.append(String.format(Locale.ROOT, " Start a new run with a lower learning rate (--lr, now %.3g)",
                config.learningRate()));
        if (config.maxGradNorm() <= 0) {
            message.append(", or with gradient clipping on (--clip 1.0)");
        }
        return message.append('.').toString();
    }

    private RunResult train(TrainingTask task, Trainer trainer) throws TrainingException, IOException,
            ExportException {
        int step = 0;
        Path lastCheckpoint = null;
        if (resumeFromCheckpoint) {
            checkpoints.deletePartials();
            Optional<Path> latest = checkpoints.latest();
            if (latest.isPresent()) {
                lastCheckpoint = latest.get();
                if (RunCheckpoints.step(lastCheckpoint) >= config.steps()) {
                    return exportFromFinalCheckpoint(task, trainer, lastCheckpoint);
                }
                RunCheckpoints.State saved = readCheckpoint(lastCheckpoint);
                engine.call(manager -> {
                    trainer.restore(saved);
                    return null;
                });
                step = saved.step();
                log.info("Resuming {} in {} from step {}", kind, folder, step);
            }
        } else {
            writeRunFile(task);
        }
        currentStep = step;

        Evaluation first = null;
        Evaluation last = null;
        double lastLoss = Double.NaN;
        try (MetricsLog metrics = new MetricsLog(metricsFile(), resumeFromCheckpoint ? step : -1)) {
            int firstStep = step + 1;
            listeners.forEach(listener -> notify(() -> listener.started(firstStep, config.steps())));
            notifyState(RunState.RUNNING);
            if (!resumeFromCheckpoint && config.evalEvery() > 0) {
                first = evaluate(trainer, 0);
                last = first;
                metrics.write(evaluationRow(first));
            }
            long sessionStarted = System.nanoTime();
            int sessionSteps = 0;
            while (step < config.steps()) {
                waitWhilePaused();
                if (cancelRequested) {
                    break;
                }
                int next = step + 1;
                long started = System.nanoTime();
                Trainer.StepOutcome outcome = engine.call(manager -> trainer.step(next), TrainingException.class);
                double stepSeconds = (System.nanoTime() - started) / 1e9;
                step = next;
                currentStep = step;
                sessionSteps++;
                lastLoss = outcome.loss();

                Evaluation evaluation = null;
                if (config.evalEvery() > 0 && (step % config.evalEvery() == 0 || step == config.steps())) {
                    evaluation = evaluate(trainer, step);
                    first = first == null ? evaluation : first;
                    last = evaluation;
                }
                double elapsed = (System.nanoTime() - sessionStarted) / 1e9;
                StepMetrics row = metricsOf(outcome, stepSeconds, elapsed, sessionSteps, evaluation);
                if (evaluation != null || step % config.logEvery() == 0 || step == config.steps()) {
                    metrics.write(stepRow(row));
                }
                listeners.forEach(listener -> notify(() -> listener.stepFinished(row)));
                if (step % config.checkpointEvery() == 0 || step == config.steps()) {
                    lastCheckpoint = writeCheckpoint(trainer, step, lastLoss);
                }
            }
        }

        if (cancelRequested && step < config.steps()) {
            if (step > 0 && (lastCheckpoint == null || RunCheckpoints.step(lastCheckpoint) != step)) {
                lastCheckpoint = writeCheckpoint(trainer, step, lastLoss);
            }
            setState(RunState.CANCELLED);
            log.info("Cancelled {} in {} after step {}", kind, folder, step);
            return new RunResult(RunState.CANCELLED, step, lastLoss, first, last, folder, metricsFile(),
                    lastCheckpoint, List.of());
        }
        List<Path> exported = task.export(folder, provenance(task, step, last));
        setState(RunState.COMPLETED);
        log.info("Completed {} in {}: {} steps, last loss {}", kind, folder, step, lastLoss);
        return new RunResult(RunState.COMPLETED, step, lastLoss, first, last, folder, metricsFile(), lastCheckpoint,
                exported);
    }

    /**
     * Writes the results of a run that was stopped, such as by a kill, after its final checkpoint but before its
     * export finished. The checkpoint contains the trained weights, so nothing is trained again.
     */
    private RunResult exportFromFinalCheckpoint(TrainingTask task, Trainer trainer, Path checkpoint)
            throws IOException, ExportException {
        if (storedRun.completed()) {
            throw new IllegalArgumentException(storedRun.nothingToResume());
        }
        RunCheckpoints.State saved = readCheckpoint(checkpoint);
        engine.call(manager -> {
            trainer.restore(saved);
            return null;
        });
        int step = saved.step();
        log.info("The {} in {} reached its final step {} before it stopped; writing its results from {}", kind,
                folder, step, checkpoint);
        listeners.forEach(listener -> notify(() -> listener.exportingFromCheckpoint(step, checkpoint)));
        currentStep = step;
        List<Path> exported = task.export(folder, provenance(task, step, null));
        setState(RunState.COMPLETED);
        return new RunResult(RunState.COMPLETED, step, Double.NaN, null, null, folder, metricsFile(), checkpoint,
                exported);
    }

    private Evaluation evaluate(Trainer trainer, int step) {
        Evaluation evaluation = engine.call(manager -> trainer.evaluate(step));
        listeners.forEach(listener -> notify(() -> listener.evaluated(evaluation)));
        return evaluation;
    }

    /** Blocks while a pause is requested; a cancel or an interrupt ends the wait. */
    private void waitWhilePaused() {
        if (!pauseRequested || cancelRequested) {
            return;
        }
        setState(RunState.PAUSED);
        synchronized (pauseLock) {
            while (pauseRequested && !cancelRequested) {
                try {
                    pauseLock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    cancelRequested = true;
                }
            }
        }
        if (!cancelRequested) {
            setState(RunState.RUNNING);
        }
    }

    private StepMetrics metricsOf(Trainer.StepOutcome outcome, double stepSeconds, double elapsed, int sessionSteps,
            Evaluation evaluation) {
        double remaining = elapsed / sessionSteps * (config.steps() - outcome.step());
        return new StepMetrics(outcome.step(), config.steps(), outcome.loss(), outcome.crossEntropy(), outcome.kl(),
                outcome.hidden(), outcome.learningRate(), outcome.gradientNorm(), config.tokensPerStep() / stepSeconds,
                elapsed, remaining, evaluation == null ? Double.NaN : evaluation.loss(),
                evaluation == null ? Double.NaN : evaluation.crossEntropy(),
                evaluation == null ? Double.NaN : evaluation.perplexity(),
                evaluation == null ? Double.NaN : evaluation.kl());
    }

    private static Map<String, Object> stepRow(StepMetrics metrics) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("step", metrics.step());
        row.put("loss", metrics.loss());
        row.put("ce", metrics.crossEntropy());
        row.put("kl", metrics.kl());
        row.put("hidden_loss", metrics.hiddenLoss());
        row.put("lr", metrics.learningRate());
        row.put("grad_norm", metrics.gradientNorm());
        row.put("tokens_per_second", metrics.tokensPerSecond());
        row.put("elapsed_seconds", metrics.elapsedSeconds());
        row.put("eval_loss", metrics.evalLoss());
        row.put("eval_ce", metrics.evalCrossEntropy());
        row.put("eval_perplexity", metrics.evalPerplexity());
        row.put("eval_kl", metrics.evalKl());
        return row;
    }

    /** Builds the row of the evaluation before the first step: step 0 and held-out values only, as nothing trained. */
    private static Map<String, Object> evaluationRow(Evaluation evaluation) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("step", evaluation.step());
        row.put("eval_loss", evaluation.loss());
        row.put("eval_ce", evaluation.crossEntropy());
        row.put("eval_perplexity", evaluation.perplexity());
        row.put("eval_kl", evaluation.kl());
        return row;
    }

    private Path writeCheckpoint(Trainer trainer, int step, double lastLoss) throws IOException {
        RunCheckpoints.State saved = engine.call(manager -> trainer.capture(step));
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("kind", kind);
        info.put("loss", Double.isFinite(lastLoss) ? lastLoss : null);
        info.put("data_fingerprint", data.fingerprint());
        info.put("data_order", "epoch-wise permutations seeded by the seed and epoch; sample index = "
                + "((step - 1) * accumulation + micro_batch) * batch_size + row");
        info.put("dropout_rng", "PyTorch's generator reseeded from the seed, step and micro-batch before each "
                + "micro-batch");
        Path written = checkpoints.write(saved, config, info, config.keepCheckpoints());
        log.debug("Wrote checkpoint {}", written);
        listeners.forEach(listener -> notify(() -> listener.checkpointWritten(step, written)));
        return written;
    }

    private RunCheckpoints.State readCheckpoint(Path checkpoint) throws IOException {
        try {
            return checkpoints.read(checkpoint);
        } catch (ModelFormatException e) {
            throw new IOException("The checkpoint " + checkpoint + " cannot be read (" + e.getMessage() + ").", e);
        }
    }

    /** Checks the folder: absent or empty for a new run, a run of the same settings for a resume. */
    private void prepareFolder() throws IOException {
        Path runFile = folder.resolve(RUN_FILE);
        if (resumeFromCheckpoint) {
            if (!Files.isRegularFile(runFile)) {
                throw new IllegalArgumentException("Cannot resume: " + folder + " has no " + RUN_FILE + ", so it "
                        + "holds no training run. Start a new run there without resuming.");
            }
            storedRun = StoredRun.read(folder);
            StoredRun.compare(storedRun, kind, config, taskConfig, data);
            return;
        }
        if (Files.exists(folder)) {
            if (!Files.isDirectory(folder)) {
                throw new IllegalArgumentException(folder + " exists and is a file; choose a new folder for the run.");
            }
            try (Stream<Path> entries = Files.list(folder)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException(folder + " exists and is not empty; choose a new folder for the "
                            + "run, or resume the run in it.");
                }
            }
        }
        Files.createDirectories(folder);
    }

    /**
     * Deletes the run folder when this run created it and a check rejected the run before anything was written, so
     * a rejected run leaves no empty folder behind.
     */
    private void removeIfCreatedEmpty(boolean folderExisted) {
        if (folderExisted || resumeFromCheckpoint || !Files.isDirectory(folder)) {
            return;
        }
        try (Stream<Path> entries = Files.list(folder)) {
            if (entries.findAny().isEmpty()) {
                Files.delete(folder);
            }
        } catch (IOException e) {
            log.warn("Cannot remove the empty run folder {}: {}", folder, e.getMessage());
        }
    }

    /** Writes run.json through a temporary file, so it is complete or absent. */
    private void writeRunFile(TrainingTask task) throws IOException {
        ObjectNode json = JSON.createObjectNode();
        json.put("tool", "topiary");
        json.put("kind", kind);
        json.put("created", Instant.now().toString());
        json.set("training", JSON.valueToTree(config));
        json.set(kind, JSON.valueToTree(taskConfig));
        json.set("models", JSON.valueToTree(engine.call(manager -> task.describe())));
        ObjectNode dataNode = json.putObject("data");
        dataNode.put("name", data.name());
        dataNode.put("source", dataSource());
        dataNode.put("fingerprint", data.fingerprint());
        dataNode.put("stream_tokens", data.streamTokens());
        dataNode.put("train_sequences", data.trainSequences());
        dataNode.put("held_out_sequences", data.heldOutSequences());
        Path temporary = folder.resolve(RUN_FILE + ".tmp");
        JSON.writeValue(temporary.toFile(), json);
        Files.move(temporary, folder.resolve(RUN_FILE), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Returns the data file as an absolute, normalised path, so a resume finds it from any working folder. */
    private String dataSource() {
        return data.source() == null ? null : data.source().toAbsolutePath().normalize().toString();
    }

    private Map<String, Object> provenance(TrainingTask task, int steps, Evaluation last) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("tool", "topiary");
        record.put("created", Instant.now().toString());
        record.put("method", kind);
        record.putAll(engine.call(manager -> task.describe()));
        record.put("steps", steps);
        record.put("data", data.source() == null ? data.name() : dataSource());
        record.put("run", folder.toString());
        if (last != null) {
            record.put("eval_ce", last.crossEntropy());
            record.put("eval_perplexity", last.perplexity());
            if (Double.isFinite(last.kl())) {
                record.put("eval_kl", last.kl());
            }
        }
        return record;
    }

    private void setState(RunState newState) {
        state = newState;
        notifyState(newState);
    }

    private void notifyState(RunState newState) {
        listeners.forEach(listener -> notify(() -> listener.stateChanged(newState)));
    }

    /** Calls a listener, logging what it throws so a faulty listener cannot stop training. */
    private static void notify(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.error("A training listener failed", e);
        }
    }
}
