package dev.topiary.cli;

import dev.topiary.engine.TensorEngine;
import dev.topiary.model.LanguageModel;
import dev.topiary.pruning.BiasAnalysis;
import dev.topiary.pruning.BiasReport;
import dev.topiary.pruning.PromptPair;
import dev.topiary.pruning.PromptPairs;
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

/** {@code topiary bias}: how a model's neurons and next-token predictions differ across paired prompts. */
@Command(name = "bias", mixinStandardHelpOptions = true,
        description = "Report how MLP activations and next-token distributions differ between paired prompts.")
final class BiasCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    ComputeOptions compute;

    @Option(names = "--pairs", required = true, paramLabel = "FILE",
            description = "Paired prompts: JSONL with a, b and attribute, or TSV a<TAB>b<TAB>attribute.")
    Path pairs;

    @Option(names = "--top", defaultValue = "10", description = "Most biased neurons listed (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<PromptPair> pairList = PromptPairs.read(pairs);
        TensorEngine engine = compute.engine(modelOptions.resolved());
        BiasReport report;
        try (LanguageModel model = LanguageModel.load(engine, modelOptions.path(), modelOptions.tokenizer(),
                compute.dtype(modelOptions.resolved()))) {
            report = engine.call(manager -> BiasAnalysis.measure(model, pairList, () -> false));
        }
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("pairs", report.divergences().size());
        output.put("bias_score", report.meanActivationDifference());
        output.put("mean_symmetric_kl", report.meanSymmetricKl());
        output.put("top_token_change_rate", report.topTokenChangeRate());
        output.put("layer_mean_abs_difference", report.layerMeanDifference());
        List<Map<String, Object>> neurons = new ArrayList<>();
        for (BiasReport.BiasedNeuron neuron : report.mostBiased(top)) {
            neurons.add(Map.of("layer", neuron.layer(), "neuron", neuron.neuron(), "bias", neuron.bias()));
        }
        output.put("most_biased_neurons", neurons);
        output.put("pair_divergences", report.divergences());
        if (json) {
            spec.commandLine().getOut().println(Json.write(output));
            return 0;
        }
        var out = spec.commandLine().getOut();
        out.printf("%d pairs; bias score (mean |activation difference|) %.5f; next-token symmetric KL %.4f nats; "
                + "top token changed in %.0f%% of pairs%n", report.divergences().size(),
                report.meanActivationDifference(), report.meanSymmetricKl(), 100 * report.topTokenChangeRate());
        out.println("layer  mean |difference|");
        for (int layer = 0; layer < report.layerMeanDifference().length; layer++) {
            out.printf("%5d  %.5f%n", layer, report.layerMeanDifference()[layer]);
        }
        out.println("most biased neurons (layer, neuron, bias):");
        for (Map<String, Object> neuron : neurons) {
            out.printf("  %s, %s, %.4f%n", neuron.get("layer"), neuron.get("neuron"), neuron.get("bias"));
        }
        out.println("pairs with the largest next-token KL:");
        report.divergences().stream().sorted((x, y) -> Double.compare(y.symmetricKl(), x.symmetricKl())).limit(5)
                .forEach(divergence -> out.printf("  %-12s KL %.4f  top token %s / %s%n", divergence.pair(),
                        divergence.symmetricKl(), divergence.topTokenA(), divergence.topTokenB()));
        return 0;
    }
}
