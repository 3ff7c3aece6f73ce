package dev.topiary.evaluation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The size on disk of a model's weights. */
public final class ModelSize {

    private ModelSize() {}

    /** Returns the bytes of a llama2.c file, or of the safetensors files in a model folder; 0 when neither exists. */
    public static long fileBytes(Path source) {
        try {
            if (Files.isRegularFile(source)) {
                return Files.size(source);
            }
            if (!Files.isDirectory(source)) {
                return 0;
            }
            try (Stream<Path> files = Files.list(source)) {
                return files.filter(file -> file.getFileName().toString().endsWith(".safetensors"))
                        .mapToLong(file -> {
                            try {
                                return Files.size(file);
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        }).sum();
            }
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }
}
