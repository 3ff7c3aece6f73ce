package dev.topiary.cli;

import picocli.CommandLine.Command;

/** The top-level command; it only groups the subcommands. */
@Command(name = "topiary", mixinStandardHelpOptions = true, version = "topiary 0.1.0",
        description = "Load, run, inspect, prune and retrain language models: generation, activation statistics, "
                + "width, depth and fairness pruning, distillation, LoRA, conversion to Hugging Face format and "
                + "benchmarks.",
        subcommands = {InfoCommand.class, GenerateCommand.class, ConvertCommand.class, ActivationsCommand.class,
                PruneCommand.class, BiasCommand.class, EvalCommand.class, DistillCommand.class, LoraCommand.class,
                ModelsCommand.class, DownloadCommand.class, BenchCommand.class})
public final class TopiaryCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
