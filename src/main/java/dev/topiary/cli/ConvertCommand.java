package dev.topiary.cli;

import dev.topiary.export.HfFolderWriter;
import dev.topiary.model.Checkpoint;
import dev.topiary.model.ModelLoader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code topiary convert}: write a model as a Hugging Face folder. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Write a model (for example a llama2.c checkpoint) as a Hugging Face folder with "
                + "safetensors weights, config.json and tokenizer.json.")
final class ConvertCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "The folder to create; it must not exist or must be empty.")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (Checkpoint checkpoint = ModelLoader.open(modelOptions.path(), modelOptions.tokenizer())) {
            Path written = HfFolderWriter.write(checkpoint, out);
            spec.commandLine().getOut().println("Wrote " + written);
            return 0;
        }
    }
}
