package dev.topiary.cli;

import dev.topiary.activations.ActivationAnalysis;
import dev.topiary.activations.CaptureOptions;
import dev.topiary.activations.Prompt;
import dev.topiary.activations.PromptSet;
import dev.topiary.activations.PromptSetCapture;
import dev.topiary.engine.ComputeDtype;
import dev.topiary.engine.TensorEngine;
import dev.topiary.export.HfFolderWriter;
import dev.topiary.model.Checkpoint;
import dev.topiary.model.LanguageModel;
import dev.topiary.model.ModelConfig;
import dev.topiary.model.ModelLoader;
import dev.topiary.pruning.BiasAnalysis;
import dev.topiary.pruning.BiasReport;
import dev.topiary.pruning.FairnessScores;
import dev.topiary.pruning.LayerChoice;
import dev.topiary.pruning.NeuronScoreMethod;
import dev.topiary.pruning.NeuronScores;
import dev.topiary.pruning.PromptPair;
import dev.topiary.pruning.PromptPairs;
import dev.topiary.pruning.PrunePlan;
import dev.topiary.pruning.PruneRecord;
import dev.topiary.pruning.Pruner;
import dev.topiary.pruning.WidthTarget;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code topiary prune}: remove MLP neurons and decoder layers and write the smaller model. */
@Command(name = "prune", mixinStandardHelpOptions = true,
        description = "Remove MLP neurons (width) and/or decoder layers (depth) and write the pruned model as a "
                + "Hugging Face folder with a topiary.json record of what was removed.")
final class PruneCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    ComputeOptions compute;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The folder to create.")
    Path out;

    @Option(names = "--method", defaultValue = "ppm", paramLabel = "NAME",
            description = "Neuron score: ppm, vow, pon, l2, activation (needs --calibration) or fairness (needs "
                    + "--pairs) (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--mlp-percent", paramLabel = "P", description = "Remove this percentage of MLP neurons per layer.")
    Double mlpPercent;

    @Option(names = "--expansion-ratio", paramLabel = "R",
            description = "Keep R x hidden_size MLP neurons per layer instead of a percentage.")
    Double expansionRatio;

    @Option(names = "--round-to", defaultValue = "1", paramLabel = "N",
            description = "Round the kept MLP width to a multiple of N, e.g. 64 (default: ${DEFAULT-VALUE}).")
    int roundTo;

    @Option(names = "--remove-layers", split = ",", paramLabel = "I", description = "Layer indices to remove, e.g. 1,3.")
    List<Integer> removeLayers;

    @Option(names = "--remove-layer-count", paramLabel = "N", description = "Remove N layers chosen by --layer-score.")
    Integer removeLayerCount;

    @Option(names = "--layer-score", defaultValue = "influence", paramLabel = "NAME",
            description = "How --remove-layer-count chooses: influence (lowest Block Influence on --calibration), "
                    + "first or last (default: ${DEFAULT-VALUE}).")
    String layerScore;

    @Option(names = "--calibration", paramLabel = "FILE",
            description = "Prompt set for the activation score and layer influence.")
    Path calibration;

    @Option(names = "--pairs", paramLabel = "FILE", description = "Paired prompts (JSONL a/b/attribute or TSV) for fairness.")
    Path pairs;

    @Option(names = "--bias-weight", defaultValue = "1.0", paramLabel = "W",
            description = "Fairness: weight of bias against importance (default: ${DEFAULT-VALUE}).")
    double biasWeight;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        validate();
        TensorEngine engine = compute.engine(modelOptions.resolved());
        try (Checkpoint checkpoint = ModelLoader.open(modelOptions.path(), modelOptions.tokenizer())) {
            ModelConfig config = checkpoint.config();
            // Checked before the calibration capture, which can take minutes.
            HfFolderWriter.checkTarget(checkpoint, out);
            boolean fairness = method.equalsIgnoreCase("fairness");
            boolean needsModel = fairness || (calibration != null);
            ActivationAnalysis calibrationAnalysis = null;
            BiasReport bias = null;
            if (needsModel) {
                ComputeDtype dtype = compute.dtype(modelOptions.resolved());
                try (LanguageModel model = LanguageModel.load(engine, checkpoint, dtype)) {
                    PromptSet set = calibrationSet();
                    if (set != null) {
                        calibrationAnalysis = engine.call(manager -> PromptSetCapture.run(model, set,
                                CaptureOptions.defaults(), (done, total) -> { }, () -> false));
                    }
                    if (fairness) {
                        List<PromptPair> pairList = PromptPairs.read(pairs);
                        bias = engine.call(manager -> BiasAnalysis.measure(model, pairList, () -> false));
                    }
                }
            }
            PrunePlan plan = plan(checkpoint, calibrationAnalysis, bias);
            Map<String, Object> record = PruneRecord.of(checkpoint.source().toAbsolutePath().toString(), config, plan,
                    method.toLowerCase(Locale.ROOT), parameters());
            Path written = HfFolderWriter.write(Pruner.prune(checkpoint, plan), out, record);
            print(record, written);
        }
        return 0;
    }

    private void validate() {
        if (mlpPercent != null && expansionRatio != null) {
            throw new IllegalArgumentException("Give --mlp-percent or --expansion-ratio, not both.");
        }
        if (removeLayers != null && removeLayerCount != null) {
            throw new IllegalArgumentException("Give --remove-layers or --remove-layer-count, not both.");
        }
        if (mlpPercent == null && expansionRatio == null && removeLayers == null && removeLayerCount == null) {
            throw new IllegalArgumentException("Nothing to prune: give --mlp-percent or --expansion-ratio for MLP "
                    + "neurons, and/or --remove-layers or --remove-layer-count for layers.");
        }
        if (!method.equalsIgnoreCase("fairness") && NeuronScoreMethod.parse(method).isEmpty()) {
            throw new IllegalArgumentException("Unknown --method '" + method + "'; use ppm, vow, pon, l2, activation "
                    + "or fairness.");
        }
        if (method.equalsIgnoreCase("fairness") && pairs == null) {
            throw new IllegalArgumentException("--method fairness needs --pairs FILE with paired prompts.");
        }
        if (method.equalsIgnoreCase("activation") && calibration == null) {
            throw new IllegalArgumentException("--method activation needs --calibration FILE, a prompt set.");
        }
    }

    /** Returns the calibration set, or for fairness without one, the pair prompts themselves. */
    private PromptSet calibrationSet() throws Exception {
        if (calibration != null) {
            return PromptSet.read(calibration);
        }
        if (method.equalsIgnoreCase("fairness")) {
            List<Prompt> prompts = new ArrayList<>();
            for (PromptPair pair : PromptPairs.read(pairs)) {
                prompts.add(new Prompt(pair.id() + ".a", pair.a(), pair.attribute()));
                prompts.add(new Prompt(pair.id() + ".b", pair.b(), pair.attribute()));
            }
            return new PromptSet("pairs", pairs, prompts);
        }
        return null;
    }

    private PrunePlan plan(Checkpoint checkpoint, ActivationAnalysis calibrationAnalysis, BiasReport bias)
            throws Exception {
        ModelConfig config = checkpoint.config();
        PrunePlan plan = PrunePlan.identity(config);
        if (mlpPercent != null || expansionRatio != null) {
            int keep = mlpPercent != null
                    ? WidthTarget.fromPercent(config.intermediateSize(), mlpPercent, roundTo)
                    : WidthTarget.fromExpansionRatio(config.hiddenSize(), config.intermediateSize(), expansionRatio,
                            roundTo);
            float[][] scores;
            if (bias != null) {
                float[][] importance = NeuronScores.compute(NeuronScoreMethod.ACTIVATION, config, checkpoint.tensors(),
                        calibrationAnalysis.neurons());
                scores = FairnessScores.combine(importance, bias.neuronBias(), biasWeight);
            } else {
                scores = NeuronScores.compute(NeuronScoreMethod.parse(method).orElseThrow(), config,
                        checkpoint.tensors(), calibrationAnalysis == null ? null : calibrationAnalysis.neurons());
            }
            plan = PrunePlan.keepTopNeurons(scores, keep);
        }
        Set<Integer> layers = new TreeSet<>();
        if (removeLayers != null) {
            layers.addAll(removeLayers);
        } else if (removeLayerCount != null) {
            LayerChoice choice = parseLayerChoice();
            layers.addAll(choice.choose(removeLayerCount, config.numHiddenLayers(),
                    calibrationAnalysis == null ? null : calibrationAnalysis.layers()));
        }
        return layers.isEmpty() ? plan : plan.withRemovedLayers(layers);
    }

    private LayerChoice parseLayerChoice() {
        for (LayerChoice choice : LayerChoice.values()) {
            if (choice.name().equalsIgnoreCase(layerScore)) {
                return choice;
            }
        }
        throw new IllegalArgumentException("Unknown --layer-score '" + layerScore + "'; use influence, first or last.");
    }

    private Map<String, Object> parameters() {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("mlp_percent", mlpPercent);
        parameters.put("expansion_ratio", expansionRatio);
        parameters.put("round_to", roundTo);
        parameters.put("remove_layers", removeLayers);
        parameters.put("remove_layer_count", removeLayerCount);
        parameters.put("layer_score", removeLayerCount == null ? null : layerScore);
        parameters.put("calibration", calibration == null ? null : calibration.toString());
        parameters.put("pairs", pairs == null ? null : pairs.toString());
        parameters.put("bias_weight", method.equalsIgnoreCase("fairness") ? biasWeight : null);
        return parameters;
    }

    private void print(Map<String, Object> record, Path written) {
        if (json) {
            Map<String, Object> output = new LinkedHashMap<>(record);
            output.put("out", written.toString());
            spec.commandLine().getOut().println(Json.write(output));
            return;
        }
        var output = spec.commandLine().getOut();
        output.printf("Wrote %s%n", written);
        output.printf("parameters     %,d -> %,d%n", record.get("parameters_before"), record.get("parameters_after"));
        output.printf("MLP width      %s -> %s%n", record.get("intermediate_size_before"),
                record.get("intermediate_size_after"));
        output.printf("layers         %s -> %s (removed %s)%n", record.get("layers_before"), record.get("layers_after"),
                record.get("removed_layers"));
    }
}
