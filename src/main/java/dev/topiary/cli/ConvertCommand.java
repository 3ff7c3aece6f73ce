package dev.topiary.cli;

import dev.topiary.export.HfFolderWriter;
import dev.topiary.model.Checkpoint;
import dev.topiary.model.ModelLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
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

    @Option(names = "--json", description = "Print one JSON object with the folder and the files written in it.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (Checkpoint checkpoint = ModelLoader.open(modelOptions.path(), modelOptions.tokenizer())) {
            Path written = HfFolderWriter.write(checkpoint, out);
            if (!json) {
                spec.commandLine().getOut().println("Wrote " + written);
                return 0;
            }
            List<String> files;
            try (Stream<Path> entries = Files.list(written)) {
                files = entries.map(path -> path.getFileName().toString()).sorted().toList();
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("out", written.toString());
            result.put("files", files);
            spec.commandLine().getOut().println(Json.write(result));
            return 0;
        }
    }
}
