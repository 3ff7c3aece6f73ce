package dev.topiary.cli;

import dev.topiary.library.ModelLibrary;
import dev.topiary.library.ModelsConfig;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options that name a model, shared by every command that loads one. */
final class ModelOptions {

    @Option(names = "--model", required = true, paramLabel = "MODEL",
            description = "A Hugging Face model folder, a llama2.c .bin checkpoint, a name from models.cfg, or a Hub "
                    + "repo id (ORG/NAME[@REVISION]) in the Hugging Face cache.")
    String model;

    @Option(names = "--tokenizer", paramLabel = "FILE",
            description = "The llama2.c tokenizer file, when it is not beside the checkpoint as tokenizer.bin "
                    + "or tok<vocab>.bin.")
    Path tokenizer;

    private ModelLibrary.Resolved resolved;

    /** Returns the model's path, resolving a models.cfg name or a cached Hub repo id. */
    Path path() throws IOException, ModelsConfig.ConfigException {
        return resolved().path();
    }

    /** Returns --tokenizer, or the tokenizer a models.cfg entry names, or null. */
    Path tokenizer() throws IOException, ModelsConfig.ConfigException {
        return tokenizer != null ? tokenizer : resolved().tokenizer();
    }

    /** Returns the resolved model with what its models.cfg entry sets, resolving it on first use. */
    ModelLibrary.Resolved resolved() throws IOException, ModelsConfig.ConfigException {
        if (resolved == null) {
            resolved = ModelLibrary.fromEnvironment(System.getenv()).resolve(model);
        }
        return resolved;
    }
}
