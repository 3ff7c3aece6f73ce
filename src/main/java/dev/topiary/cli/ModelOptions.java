package dev.topiary.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options that name a model, shared by every command that loads one. */
final class ModelOptions {

    @Option(names = "--model", required = true, paramLabel = "PATH",
            description = "A Hugging Face model folder, or a llama2.c .bin checkpoint.")
    Path model;

    @Option(names = "--tokenizer", paramLabel = "FILE",
            description = "The llama2.c tokenizer file, when it is not beside the checkpoint as tokenizer.bin "
                    + "or tok<vocab>.bin.")
    Path tokenizer;
}
