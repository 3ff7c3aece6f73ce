package dev.topiary.cli;

import dev.topiary.activations.PromptSet;
import dev.topiary.engine.TensorEngine;
import dev.topiary.evaluation.ChoiceScorer;
import dev.topiary.evaluation.ChoiceTask;
import dev.topiary.evaluation.ModelSize;
import dev.topiary.evaluation.ResultTable;
import dev.topiary.evaluation.SpeedProbe;
import dev.topiary.evaluation.TextMetrics;
import dev.topiary.evaluation.TextScorer;
import dev.topiary.library.ModelLibrary;
import dev.topiary.model.Checkpoint;
import dev.topiary.model.LanguageModel;
import dev.topiary.model.ModelLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code topiary eval}: compare models on text sets, multiple-choice tasks, size and speed. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Compare one or more models: perplexity and cross-entropy on --data, KL and top-1 agreement "
                + "against --reference, accuracy on --task, parameters, file size, and prefill/decode speed.")
final class EvalCommand implements Callable<Integer> {

    @Mixin
    ComputeOptions compute;

    @Option(names = "--model", required = true, paramLabel = "MODEL",
            description = "A model to evaluate (path, models.cfg name or cached Hub repo id); repeat for several. The "
                    + "first is the baseline of the relative columns.")
    List<String> models;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "The llama2.c tokenizer file for .bin models.")
    Path tokenizer;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Text set (.txt or .jsonl).")
    Path data;

    @Option(names = "--task", paramLabel = "FILE", description = "Multiple-choice task JSONL; repeat for several.")
    List<Path> tasks = new ArrayList<>();

    @Option(names = "--reference", paramLabel = "MODEL",
            description = "Reference model for KL divergence and top-1 agreement (same vocabulary).")
    String reference;

    @Option(names = "--window", defaultValue = "0",
            description = "Window in tokens for long texts (default: the model's context).")
    int window;

    @Option(names = "--stride", defaultValue = "0", description = "Stride between windows (default: half the window).")
    int stride;

    @Option(names = "--batch-size", defaultValue = "8", converter = PositiveInteger.class,
            description = "Windows per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--speed-tokens", defaultValue = "32",
            description = "Tokens decoded per speed run; 0 skips speed (default: ${DEFAULT-VALUE}).")
    int speedTokens;

    @Option(names = "--json", description = "Print the table as JSON.")
    boolean json;

    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
            description = "Table format without --json: text, markdown or csv (default: ${DEFAULT-VALUE}).")
    String format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PromptSet texts = PromptSet.read(data);
        List<ChoiceTask> choiceTasks = new ArrayList<>();
        for (Path task : tasks) {
            choiceTasks.add(ChoiceTask.read(task));
        }
        ModelLibrary library = ModelLibrary.fromEnvironment(System.getenv());
        for (String name : models) {
            check(library, name, true);
        }
        if (reference != null) {
            check(library, reference, false);
        }
        TensorEngine engine = compute.engine(library.resolve(reference != null ? reference : models.get(0)));
        List<Map<String, Object>> rows = new ArrayList<>();
        LanguageModel referenceModel = reference == null ? null : load(engine, library, reference);
        try {
            for (String name : models) {
                try (LanguageModel model = load(engine, library, name)) {
                    rows.add(evaluate(engine, model, referenceModel, texts, choiceTasks));
                }
            }
        } finally {
            if (referenceModel != null) {
                referenceModel.close();
            }
        }
        addRelativeColumns(rows);
        print(rows);
        return 0;
    }

    /**
     * Opens a model's config and tokenizer without loading its weights, so that a broken model is reported before
     * any other model is scored. The reference needs no tokenizer, because it scores the evaluated model's tokens.
     */
    private void check(ModelLibrary library, String name, boolean needsTokenizer) throws Exception {
        ModelLibrary.Resolved resolved = library.resolve(name);
        try (Checkpoint checkpoint = ModelLoader.open(resolved.path(),
                tokenizer != null ? tokenizer : resolved.tokenizer())) {
            if (needsTokenizer && checkpoint.tokenizer() == null) {
                throw new IllegalArgumentException("Model '" + name + "' (" + resolved.path() + ") has no tokenizer, "
                        + "so the texts cannot be encoded. Give a model with a tokenizer.");
            }
        }
    }

    private LanguageModel load(TensorEngine engine, ModelLibrary library, String name) throws Exception {
        ModelLibrary.Resolved resolved = library.resolve(name);
        compute.engine(resolved);
        return LanguageModel.load(engine, resolved.path(), tokenizer != null ? tokenizer : resolved.tokenizer(),
                compute.dtype(resolved));
    }

    private Map<String, Object> evaluate(TensorEngine engine, LanguageModel model, LanguageModel referenceModel,
            PromptSet texts, List<ChoiceTask> choiceTasks) {
        int context = model.config().maxPositionEmbeddings();
        int usedWindow = window > 0 ? window : context;
        int usedStride = stride > 0 ? stride : Math.max(1, usedWindow / 2);
        PrintWriter err = spec.commandLine().getErr();
        TextMetrics metrics;
        try (ProgressLine progress = new ProgressLine(err)) {
            metrics = engine.call(manager -> TextScorer.score(model, referenceModel, texts, usedWindow, usedStride,
                    batchSize, (done, total) -> progress.draw(model.name() + ": scored " + done + "/" + total
                            + " windows"), () -> false));
        }

        Map<String, Object> row = new LinkedHashMap<>();
        row.put("model", model.name());
        row.put("source", model.source().toString());
        row.put("parameters", model.config().parameterCount());
        row.put("file_bytes", ModelSize.fileBytes(model.source()));
        row.put("tokens", metrics.tokens());
        row.put("cross_entropy", metrics.meanCrossEntropy());
        row.put("perplexity", metrics.perplexity());
        if (referenceModel != null) {
            row.put("kl_to_reference", metrics.meanKl());
            row.put("top1_agreement", metrics.topOneAgreement());
        }
        for (ChoiceTask task : choiceTasks) {
            ChoiceScorer.Result result = engine.call(manager -> ChoiceScorer.score(model, task, (done, total) -> { },
                    () -> false));
            row.put(task.name() + "_accuracy", result.accuracy());
            row.put(task.name() + "_accuracy_norm", result.normalizedAccuracy());
            row.put(task.name() + "_chance", result.chance());
        }
        if (speedTokens > 0 && model.tokenizer() != null) {
            int[] prompt = model.tokenizer().encode(texts.prompts().get(0).text());
            int[] clipped = java.util.Arrays.copyOf(prompt, Math.min(prompt.length, Math.max(1, context - speedTokens)));
            SpeedProbe.Speed speed = engine.call(manager -> SpeedProbe.median(model, clipped, speedTokens, 3));
            row.put("prefill_tokens_per_second", speed.prefillTokensPerSecond());
            row.put("decode_tokens_per_second", speed.decodeTokensPerSecond());
        }
        return row;
    }

    /** Adds each model's perplexity and parameters relative to the first model. */
    private static void addRelativeColumns(List<Map<String, Object>> rows) {
        double basePerplexity = (double) rows.get(0).get("perplexity");
        double baseParameters = ((Number) rows.get(0).get("parameters")).doubleValue();
        for (Map<String, Object> row : rows) {
            row.put("perplexity_vs_first", (double) row.get("perplexity") / basePerplexity);
            row.put("parameters_vs_first", ((Number) row.get("parameters")).doubleValue() / baseParameters);
        }
    }

    private void print(List<Map<String, Object>> rows) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(Map.of("data", data.toString(), "models", rows)));
            return;
        }
        out.print(ResultTable.format(rows, format));
    }
}
