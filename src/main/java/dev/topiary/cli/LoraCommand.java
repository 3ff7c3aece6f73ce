package dev.topiary.cli;

import dev.topiary.engine.ComputeDtype;
import dev.topiary.engine.TensorEngine;
import dev.topiary.model.LanguageModel;
import dev.topiary.model.Projection;
import dev.topiary.training.LoraConfig;
import dev.topiary.training.RunResult;
import dev.topiary.training.StoredRun;
import dev.topiary.training.TrainingConfig;
import dev.topiary.training.TrainingData;
import dev.topiary.training.TrainingRun;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code topiary lora}: train LoRA adapters on a frozen model. */
@Command(name = "lora", mixinStandardHelpOptions = true,
        description = "Train LoRA adapters on chosen projections of --model, whose own weights stay frozen, on the "
                + "next-token loss over --data. Writes a PEFT adapter to --out/adapter and, with --merge, the model "
                + "with the adapters merged into its weights to --out/model. --out also gets run.json, "
                + "metrics.jsonl and checkpoints/, from which --resume continues.")
final class LoraCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "MODEL",
            description = "A Hugging Face model folder, a llama2.c .bin checkpoint, a name from models.cfg, or a Hub "
                    + "repo id (ORG/NAME[@REVISION]) in the Hugging Face cache. With --resume, defaults to the run's "
                    + "model.")
    String model;

    @Mixin
    RunOptions run;

    @Mixin
    TrainingOptions training;

    @Mixin
    ComputeOptions compute;

    @Option(names = "--rank", paramLabel = "R", description = "Inner width of each adapter (default: 8).")
    Integer rank;

    @Option(names = "--alpha", paramLabel = "A", description = "Scaling numerator: adapters add alpha / rank times "
            + "their output (default: 16).")
    Double alpha;

    @Option(names = "--dropout", paramLabel = "P", description = "Dropout on the adapters' input while training "
            + "(default: 0.05).")
    Double dropout;

    @Option(names = "--targets", split = ",", paramLabel = "NAMES",
            description = "Projections to adapt: q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj "
                    + "(default: q_proj,v_proj).")
    List<String> targets;

    @Option(names = "--merge", description = "Also write the model with the adapters merged, to --out/model.")
    Boolean merge;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        StoredRun stored = run.storedRun("lora", "lora");
        String modelName = RunOptions.model(model, stored, "model", "--model");
        Path dataFile = run.dataFile(stored);
        TrainingConfig.Builder base = stored != null ? stored.training().toBuilder()
                : TrainingConfig.builder().learningRate(2e-4).weightDecay(0);
        TrainingConfig config = training.apply(base);
        LoraConfig lora = lora(stored == null ? LoraConfig.defaults() : stored.lora());
        boolean mergeModel = merge != null ? merge : stored != null && stored.models().path("merge").asBoolean();

        if (compute.dtype == ComputeDtype.FLOAT16) {
            throw new IllegalArgumentException("--dtype float16 does not apply to lora: the base model trains in "
                    + "float32 only, so lora always loads it in float32. Leave out --dtype.");
        }
        try (LanguageModel baseModel = TrainingCommands.loadTrained(compute, modelName, run.tokenizer,
                "LoRA base model")) {
            TensorEngine engine = TensorEngine.get();
            TrainingData trainingData = TrainingData.read(dataFile, baseModel, "LoRA base model",
                    config.sequenceLength(), config.heldOutFraction());
            TrainingRun trainingRun = TrainingRun.lora(engine, baseModel, trainingData, config, lora, mergeModel,
                    run.out, run.resume);
            RunResult result = TrainingCommands.run(trainingRun, spec.commandLine().getErr());
            TrainingCommands.print(result, run.json, spec.commandLine().getOut());
        }
        return 0;
    }

    private LoraConfig lora(LoraConfig base) {
        List<Projection> projections = targets == null ? base.targets()
                : targets.stream().map(Projection::parse).toList();
        return new LoraConfig(rank != null ? rank : base.rank(), alpha != null ? alpha : base.alpha(),
                dropout != null ? dropout : base.dropout(), projections);
    }
}
