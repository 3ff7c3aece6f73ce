package dev.topiary.cli;

import dev.topiary.engine.TensorEngine;
import dev.topiary.model.LanguageModel;
import dev.topiary.training.DistillationConfig;
import dev.topiary.training.RunResult;
import dev.topiary.training.StoredRun;
import dev.topiary.training.TrainingConfig;
import dev.topiary.training.TrainingData;
import dev.topiary.training.TrainingRun;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code topiary distill}: recover a pruned model by knowledge distillation from the original. */
@Command(name = "distill", mixinStandardHelpOptions = true,
        description = "Train every weight of --student to match --teacher's next-token distributions on --data "
                + "(knowledge distillation), then write the student as a Hugging Face folder in --out/model. --out "
                + "also gets run.json, metrics.jsonl and checkpoints/, from which --resume continues. --dtype sets "
                + "the teacher's dtype; the student always trains in float32.")
final class DistillCommand implements Callable<Integer> {

    @Option(names = "--teacher", paramLabel = "MODEL",
            description = "The original model: a Hugging Face folder, a llama2.c .bin, a models.cfg name or a cached "
                    + "Hub repo id. With --resume, defaults to the run's teacher.")
    String teacher;

    @Option(names = "--student", paramLabel = "MODEL",
            description = "The model to train, such as the output of prune; same vocabulary as the teacher. With "
                    + "--resume, defaults to the run's student.")
    String student;

    @Mixin
    RunOptions run;

    @Mixin
    TrainingOptions training;

    @Mixin
    ComputeOptions compute;

    @Option(names = "--temperature", paramLabel = "T", description = "Softens both distributions (default: 2.0).")
    Double temperature;

    @Option(names = "--alpha", paramLabel = "A",
            description = "Weight of the KL term; 1 - A weighs the next-token cross-entropy (default: 0.5).")
    Double alpha;

    @Option(names = "--hidden-weight", paramLabel = "W",
            description = "Weight of aligning the residual streams after shared layers; 0 is off (default: 0).")
    Double hiddenWeight;

    @Option(names = "--hidden-loss", paramLabel = "NAME",
            description = "How residual streams are compared: cosine or mse (default: cosine).")
    String hiddenLoss;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        StoredRun stored = run.storedRun("distillation", "distill");
        String teacherName = RunOptions.model(teacher, stored, "teacher", "--teacher");
        String studentName = RunOptions.model(student, stored, "student", "--student");
        Path dataFile = run.dataFile(stored);
        TrainingConfig.Builder base = stored != null ? stored.training().toBuilder()
                : TrainingConfig.builder().learningRate(1e-4);
        TrainingConfig config = training.apply(base);
        DistillationConfig distillation = distillation(stored == null ? DistillationConfig.defaults()
                : stored.distillation());

        try (LanguageModel teacherModel = TrainingCommands.loadFrozen(compute, teacherName, run.tokenizer);
                LanguageModel studentModel = TrainingCommands.loadTrained(compute, studentName, run.tokenizer,
                        "student")) {
            TensorEngine engine = TensorEngine.get();
            TrainingData trainingData = TrainingData.read(dataFile, studentModel, "student",
                    config.sequenceLength(), config.heldOutFraction());
            TrainingRun trainingRun = TrainingRun.distillation(engine, teacherModel, studentModel, trainingData,
                    config, distillation, run.out, run.resume);
            RunResult result = TrainingCommands.run(trainingRun, spec.commandLine().getErr());
            TrainingCommands.print(result, run.json, spec.commandLine().getOut());
        }
        return 0;
    }

    private DistillationConfig distillation(DistillationConfig base) {
        return new DistillationConfig(temperature != null ? temperature : base.temperature(),
                alpha != null ? alpha : base.alpha(), hiddenWeight != null ? hiddenWeight : base.hiddenWeight(),
                hiddenLoss != null ? DistillationConfig.HiddenLoss.parse(hiddenLoss) : base.hiddenLoss());
    }
}
