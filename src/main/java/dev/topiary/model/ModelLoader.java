package dev.topiary.model;

import dev.topiary.model.hf.HfCheckpoint;
import dev.topiary.model.llama2c.Llama2cCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens a checkpoint in either supported format from a path the user gave. */
public final class ModelLoader {

    private ModelLoader() {}

    /**
     * Opens a Hugging Face model folder, or a llama2.c {@code .bin} checkpoint.
     *
     * @param path a folder with config.json, a config.json or safetensors file inside one, or a llama2.c
     *     checkpoint file
     * @param tokenizer a llama2.c tokenizer file, or null to look beside the checkpoint
     */
    public static Checkpoint open(Path path, Path tokenizer) throws ModelFormatException {
        if (!Files.exists(path)) {
            throw new ModelFormatException(path, "not found. Give a Hugging Face model folder or a llama2.c .bin file.");
        }
        if (Files.isDirectory(path)) {
            return HfCheckpoint.read(path);
        }
        String fileName = path.getFileName().toString();
        // A user who picks a file of a Hugging Face folder means the folder.
        if (fileName.equals("config.json") || fileName.endsWith(".safetensors")
                || fileName.equals("model.safetensors.index.json")) {
            return HfCheckpoint.read(path.toAbsolutePath().getParent());
        }
        if (tokenizer != null && !Files.isRegularFile(tokenizer)) {
            throw new ModelFormatException(tokenizer, "tokenizer file not found.");
        }
        return Llama2cCheckpoint.read(path, tokenizer);
    }
}
