package dev.topiary.cli;

import ai.djl.ndarray.NDScope;
import dev.topiary.activations.SiteKind;
import dev.topiary.activations.TokenActivations;
import dev.topiary.engine.ComputeThreads;
import dev.topiary.engine.TensorEngine;
import dev.topiary.evaluation.MachineLimits;
import dev.topiary.evaluation.MemoryPeak;
import dev.topiary.evaluation.SpeedProbe;
import dev.topiary.library.ModelLibrary;
import dev.topiary.model.Checkpoint;
import dev.topiary.model.LanguageModel;
import dev.topiary.model.SyntheticCheckpoint;
import dev.topiary.ui.activations.HeatmapMatrix;
import dev.topiary.ui.activations.HeatmapPixels;
import dev.topiary.ui.activations.ValueScale;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code topiary bench}: generation speed and time to the first activation heatmap, as medians over several
 * runs after a warm-up.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure engine start, model load, time to the first heatmap, prefill and decode speed, and "
                + "with --train the training speed of distillation and LoRA.")
final class BenchCommand implements Callable<Integer> {

    @Mixin
    ComputeOptions compute;

    @Option(names = "--model", paramLabel = "MODEL",
            description = "A Hugging Face model folder, a llama2.c .bin checkpoint, a models.cfg name or a cached Hub "
                    + "repo id.")
    String model;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "The llama2.c tokenizer file, when not beside it.")
    Path tokenizer;

    @Option(names = "--synthetic", paramLabel = "NAME",
            description = "A random model of a standard shape instead of --model: llama-110m (hidden 768, 12 layers, "
                    + "intermediate 2048, vocab 32000), llama-15m, or wide-mlp (30 layers x 8192 neurons).")
    String synthetic;

    @Option(names = "--capture-prompts", defaultValue = "0",
            description = "Also time activation capture over this many prompts, cycled from --prompts "
                    + "(default: ${DEFAULT-VALUE}, no capture).")
    int capturePrompts;

    @Option(names = "--prompts", defaultValue = "sample-prompts/stories.txt", paramLabel = "FILE",
            description = "Prompt file for the capture figures (default: ${DEFAULT-VALUE}).")
    Path promptFile;

    @Option(names = "--batch-size", defaultValue = "8", converter = PositiveInteger.class,
            description = "Capture batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--pulse", description = "Also measure the longest JavaFX pulse gap during a capture of "
            + "--capture-prompts prompts, when that is above 0, and during a LoRA run of --pulse-train-steps steps "
            + "with the Train tab's charts on screen (needs a display or Xvfb).")
    boolean pulse;

    @Option(names = "--pulse-train-steps", defaultValue = "100",
            description = "Steps of the LoRA run with --pulse, of --train-batch-size x --train-seq-len tokens "
                    + "(default: ${DEFAULT-VALUE}).")
    int pulseTrainSteps;

    @Option(names = "--train-data", defaultValue = "sample-prompts/train-stories.txt", paramLabel = "FILE",
            description = "Training text of the --pulse LoRA run; a model without a tokenizer trains on random "
                    + "tokens instead (default: ${DEFAULT-VALUE}).")
    Path trainData;

    @Option(names = "--prompt", defaultValue = "Once upon a time, there was a little girl",
            description = "The prompt (default: \"${DEFAULT-VALUE}\").")
    String prompt;

    @Option(names = "--tokens", defaultValue = "64", description = "Tokens decoded per run (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--runs", defaultValue = "5", description = "Timed runs after one warm-up (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--train", description = "Also time training steps: the median tokens per second of distillation "
            + "(against a second copy of the model) and of LoRA (rank 8 on q_proj and v_proj).")
    boolean train;

    @Option(names = "--train-batch-size", defaultValue = "8", converter = PositiveInteger.class,
            description = "Sequences per training step with --train (default: ${DEFAULT-VALUE}).")
    int trainBatchSize;

    @Option(names = "--train-seq-len", defaultValue = "64",
            description = "Tokens per training sequence with --train (default: ${DEFAULT-VALUE}).")
    int trainSequenceLength;

    @Option(names = "--train-steps", defaultValue = "5",
            description = "Timed training steps after one warm-up, per kind, with --train (default: ${DEFAULT-VALUE}).")
    int trainSteps;

    /** The result key that is true when a fraction of a measured limit is above 1.0. */
    static final String LIMITS_DISTURBED = "limit_measurement_disturbed";

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (runs < 1) {
            throw new IllegalArgumentException("--runs must be 1 or more, got " + runs + ".");
        }
        if (tokens < 1) {
            throw new IllegalArgumentException("--tokens must be 1 or more, got " + tokens + ".");
        }
        if (pulse && pulseTrainSteps < 1) {
            throw new IllegalArgumentException("--pulse-train-steps must be 1 or more, got " + pulseTrainSteps + ".");
        }
        if (capturePrompts < 0 || batchSize < 1) {
            throw new IllegalArgumentException("--capture-prompts must be 0 or more and --batch-size 1 or more.");
        }
        long engineStarted = System.nanoTime();
        TensorEngine engine = compute.engine(model == null ? null
                : ModelLibrary.fromEnvironment(System.getenv()).resolve(model));
        long engineNanos = System.nanoTime() - engineStarted;
        long loadStarted = System.nanoTime();
        LanguageModel model = loadModel(engine);
        long loadNanos = System.nanoTime() - loadStarted;
        try (model) {
            int[] promptTokens = model.tokenizer() == null ? new int[] {1, 2, 3} : model.tokenizer().encode(prompt);
            int context = model.config().maxPositionEmbeddings();
            if (promptTokens.length + tokens > context) {
                throw new IllegalArgumentException("--tokens " + tokens + " after a " + promptTokens.length
                        + "-token prompt passes the model's context of " + context + " tokens; use at most "
                        + (context - promptTokens.length) + ".");
            }
            long firstHeatmapNanos = loadNanos + engine.call(manager -> captureNanos(model, promptTokens));
            double[] heatmapMs = new double[runs];
            double[] prefillPerSecond = new double[runs];
            double[] decodePerSecond = new double[runs];
            engine.call(manager -> SpeedProbe.run(model, promptTokens, tokens)); // warm-up
            for (int run = 0; run < runs; run++) {
                heatmapMs[run] = engine.call(manager -> captureNanos(model, promptTokens)) / 1e6;
            }
            MemoryPeak generationMemory = MemoryPeak.start();
            for (int run = 0; run < runs; run++) {
                SpeedProbe.Timing timing = engine.call(manager -> SpeedProbe.run(model, promptTokens, tokens));
                prefillPerSecond[run] = promptTokens.length * 1e9 / timing.prefillNanos();
                decodePerSecond[run] = tokens * 1e9 / timing.decodeNanos();
            }
            Map<String, Object> generationPeaks = generationMemory.toMap("generation");
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("model", model.name());
            result.put("device", engine.deviceName());
            result.put("dtype", dev.topiary.engine.ComputeDtype.name(model.dataType()));
            result.put("threads", Runtime.getRuntime().availableProcessors());
            double decodeFlops = MachineLimits.forwardFlopsPerToken(model.config(), 0);
            result.put("decode_threads", ComputeThreads.choose(decodeFlops));
            result.put("prefill_threads", ComputeThreads.choose(decodeFlops * promptTokens.length));
            result.put("prompt_tokens", promptTokens.length);
            result.put("decode_tokens", tokens);
            result.put("runs", runs);
            result.put("engine_start_ms", engineNanos / 1e6);
            result.put("load_ms", loadNanos / 1e6);
            result.put("time_to_first_heatmap_ms", firstHeatmapNanos / 1e6);
            result.put("capture_forward_ms_median", SpeedProbe.median(heatmapMs));
            result.put("prefill_tokens_per_second_median", SpeedProbe.median(prefillPerSecond));
            result.put("decode_tokens_per_second_median", SpeedProbe.median(decodePerSecond));
            result.put("decode_ms_per_token_median", 1000.0 / SpeedProbe.median(decodePerSecond));
            result.putAll(generationPeaks);
            MachineLimits.Limits limits = engine.call(manager -> MachineLimits.measure(manager, 512L << 20, 1024, 5));
            double decodeBytes = MachineLimits.decodeBytesPerToken(model.config(),
                    model.dataType().getNumOfBytes(), promptTokens.length + tokens / 2);
            double prefillFlops = MachineLimits.forwardFlopsPerToken(model.config(), promptTokens.length / 2);
            double decodeRate = SpeedProbe.median(decodePerSecond);
            double prefillRate = SpeedProbe.median(prefillPerSecond);
            result.put("limit_memory_bandwidth_gb_per_second", limits.bytesPerSecond() / 1e9);
            result.put("limit_matmul_gflops", limits.flopsPerSecond() / 1e9);
            result.put("decode_bytes_per_token_mb", decodeBytes / 1e6);
            result.put("decode_fraction_of_bandwidth", decodeRate * decodeBytes / limits.bytesPerSecond());
            result.put("prefill_flops_per_token_mflop", prefillFlops / 1e6);
            result.put("prefill_fraction_of_matmul", prefillRate * prefillFlops / limits.flopsPerSecond());
            result.put("heatmap_render_ms_30x8192", heatmapRenderMillis());
            if (capturePrompts > 0) {
                Map<String, Object> capture =
                        CaptureBenchmark.run(engine, model, promptFile, capturePrompts, batchSize);
                result.putAll(capture);
                // Capture runs full forward passes over whole prompts, so it costs what prefill costs per token.
                long meanPromptTokens = ((Number) capture.get("capture_tokens")).longValue() / capturePrompts;
                double captureFlops = MachineLimits.forwardFlopsPerToken(model.config(), (int) meanPromptTokens / 2);
                result.put("capture_flops_per_token_mflop", captureFlops / 1e6);
                double captureRate = ((Number) capture.get("capture_tokens_per_second")).doubleValue();
                result.put("capture_fraction_of_matmul", captureRate * captureFlops / limits.flopsPerSecond());
            }
            if (pulse) {
                try (PulseBenchmark fx = PulseBenchmark.start()) {
                    if (capturePrompts > 0) {
                        result.putAll(fx.capture(engine, model, dev.topiary.activations.PromptSet.read(promptFile),
                                capturePrompts, batchSize));
                    }
                    result.putAll(TrainingPulse.run(engine, model, trainData, pulseTrainSteps, trainBatchSize,
                            trainSequenceLength));
                }
            }
            if (train) {
                result.putAll(TrainBenchmark.run(engine, model, () -> loadModel(engine), trainBatchSize,
                        trainSequenceLength, trainSteps));
            }
            result.put(LIMITS_DISTURBED, limitsDisturbed(result));
            print(result);
        }
        return 0;
    }

    private LanguageModel loadModel(TensorEngine engine) throws Exception {
        if ((model == null) == (synthetic == null)) {
            throw new IllegalArgumentException("Give exactly one of --model PATH or --synthetic NAME.");
        }
        if (model != null) {
            ModelLibrary.Resolved resolved = ModelLibrary.fromEnvironment(System.getenv()).resolve(model);
            compute.engine(resolved);
            return LanguageModel.load(engine, resolved.path(), tokenizer != null ? tokenizer : resolved.tokenizer(),
                    compute.dtype(resolved));
        }
        try (Checkpoint checkpoint = SyntheticCheckpoint.create(synthetic, 1234)) {
            return LanguageModel.load(engine, checkpoint, compute.dtype(null));
        }
    }

    /**
     * Times the rendering of a 30 layer x 8192 neuron heatmap to a 1200 x 600 pixel image, the window's redraw
     * work apart from handing the pixels to JavaFX; median of 10 runs after 3 warm-up runs.
     */
    private static double heatmapRenderMillis() {
        java.util.Random random = new java.util.Random(1);
        float[] values = new float[30 * 8192];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        HeatmapMatrix matrix = new HeatmapMatrix(30, 8192, values, ValueScale.SIGNED, "a");
        double[] millis = new double[10];
        for (int run = -3; run < millis.length; run++) {
            long started = System.nanoTime();
            HeatmapPixels.render(matrix, 1200, 600);
            if (run >= 0) {
                millis[run] = (System.nanoTime() - started) / 1e6;
            }
        }
        return SpeedProbe.median(millis);
    }

    /** Runs one forward pass over the prompt capturing MLP neurons, as the window's Run does. */
    private static long captureNanos(LanguageModel model, int[] promptTokens) {
        long started = System.nanoTime();
        TokenActivations activations = new TokenActivations(model.config().numHiddenLayers(),
                EnumSet.of(SiteKind.MLP_POST));
        try (NDScope scope = new NDScope()) {
            model.transformer().forward(new int[][] {promptTokens}, null, activations, true).toFloatArray();
        }
        return System.nanoTime() - started;
    }

    /**
     * Returns whether a measured rate exceeds the limit it is compared with. A fraction above 1.0 cannot be real, so
     * the limit was measured low, typically because other work shared the machine while it was measured.
     */
    static boolean limitsDisturbed(Map<String, Object> result) {
        return result.entrySet().stream()
                .anyMatch(entry -> entry.getKey().contains("_fraction_of_") && entry.getValue() instanceof Number number
                        && number.doubleValue() > 1.0);
    }

    private void print(Map<String, Object> result) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(result));
            return;
        }
        int keyWidth = result.keySet().stream().mapToInt(String::length).max().orElse(0);
        result.forEach((key, value) -> out.printf("%-" + keyWidth + "s %s%n", key,
                value instanceof Double d ? String.format(Locale.ROOT, "%.3f", d) : value));
        if (Boolean.TRUE.equals(result.get(LIMITS_DISTURBED))) {
            out.println("note: a *_fraction_of_* value is above 1.0, so the limit it divides by was measured too low, "
                    + "probably while other work was running. Rerun bench on an idle machine for usable fractions.");
        }
    }
}
