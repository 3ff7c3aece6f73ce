package dev.topiary.cli;

import dev.topiary.activations.ActivationAnalysis;
import dev.topiary.activations.CaptureOptions;
import dev.topiary.activations.NeuronMetric;
import dev.topiary.activations.PromptSet;
import dev.topiary.activations.PromptSetCapture;
import dev.topiary.engine.TensorEngine;
import dev.topiary.export.StagingFolder;
import dev.topiary.model.LanguageModel;
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

/** {@code topiary activations}: statistics of every MLP neuron and layer over a prompt set. */
@Command(name = "activations", mixinStandardHelpOptions = true,
        description = "Capture MLP neuron and residual-stream statistics over a prompt set and write them to a "
                + "folder (summary.json, neurons.csv, layers.csv, top_examples.jsonl).")
final class ActivationsCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    ComputeOptions compute;

    @Option(names = "--prompts", required = true, paramLabel = "FILE",
            description = "Prompt set: a .txt file with one prompt per line, or .jsonl with {\"text\": ...}.")
    Path prompts;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "The folder to create for the results; it must not exist or must be empty.")
    Path out;

    @Option(names = "--batch-size", defaultValue = "8", converter = PositiveInteger.class,
            description = "Prompts per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--top-k", defaultValue = "10",
            description = "Top activating examples kept per neuron (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--threshold", defaultValue = "0",
            description = "An activation above this counts as active (default: ${DEFAULT-VALUE}).")
    float threshold;

    @Option(names = "--max-tokens", defaultValue = "512",
            description = "Prompts longer than this are truncated (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--json", description = "Print the per-layer summary as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PromptSet set = PromptSet.read(prompts);
        // Checked before the capture, which can take minutes; save() checks again when it writes.
        StagingFolder.checkTarget(out.toAbsolutePath().normalize());
        CaptureOptions options = new CaptureOptions(batchSize, topK, threshold, maxTokens);
        TensorEngine engine = compute.engine(modelOptions.resolved());
        PrintWriter err = spec.commandLine().getErr();
        ActivationAnalysis analysis;
        try (LanguageModel model = LanguageModel.load(engine, modelOptions.path(), modelOptions.tokenizer(),
                compute.dtype(modelOptions.resolved()));
                ProgressLine progress = new ProgressLine(err)) {
            analysis = engine.call(manager -> PromptSetCapture.run(model, set, options,
                    (done, total) -> progress.draw("captured " + done + "/" + total + " prompts"), () -> false));
        }
        Path folder = analysis.save(out);
        print(analysis, folder);
        return 0;
    }

    private void print(ActivationAnalysis analysis, Path folder) {
        PrintWriter output = spec.commandLine().getOut();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int layer = 0; layer < analysis.layers().layers(); layer++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("layer", layer);
            row.put("mean_abs_activation", analysis.meanOverNeurons(NeuronMetric.MEAN_ABS, layer));
            row.put("fraction_active", analysis.meanOverNeurons(NeuronMetric.FRACTION_ACTIVE, layer));
            row.put("residual_norm", analysis.layers().residualNorm(layer));
            row.put("input_output_cosine", analysis.layers().inputOutputCosine(layer));
            row.put("block_influence", analysis.layers().blockInfluence(layer));
            rows.add(row);
        }
        if (json) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("out", folder.toString());
            result.put("prompts", analysis.info().promptsDone());
            result.put("tokens", analysis.info().tokens());
            result.put("truncated_prompts", analysis.info().truncatedPrompts());
            result.put("layers", rows);
            output.println(Json.write(result));
            return;
        }
        output.printf("%d prompts, %d tokens -> %s%n", analysis.info().promptsDone(), analysis.info().tokens(), folder);
        output.printf("%5s %12s %10s %12s %10s %10s%n", "layer", "mean |a|", "active", "resid norm", "cos in/out",
                "influence");
        for (Map<String, Object> row : rows) {
            output.printf("%5d %12.4f %10.3f %12.3f %10.4f %10.4f%n", row.get("layer"), row.get("mean_abs_activation"),
                    row.get("fraction_active"), row.get("residual_norm"), row.get("input_output_cosine"),
                    row.get("block_influence"));
        }
    }
}
