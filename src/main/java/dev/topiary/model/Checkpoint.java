package dev.topiary.model;

import dev.topiary.model.tokenizer.TextTokenizer;
import java.nio.file.Path;

/**
 * A model read from disk but not yet on the device: its config, its tensors (read on demand) and its
 * tokenizer.
 *
 * @param source the folder or file the user opened
 * @param format a short description of the format, such as "Hugging Face folder" or "llama2.c checkpoint"
 * @param config the dimensions and options
 * @param tensors the weights under the Hugging Face names of {@link WeightLayout#expected}, with fused
 *     projections already split ({@link FusedProjections})
 * @param tokenizer the tokenizer, or null when the folder has none (ids can still be given directly)
 * @param tokenizerFile the file the tokenizer came from, or null
 */
public record Checkpoint(Path source, String format, ModelConfig config, TensorSource tensors,
        TextTokenizer tokenizer, Path tokenizerFile) implements AutoCloseable {

    /** Returns the storage dtype of the token embedding, which stands for the checkpoint as a whole. */
    public String fileDtype() {
        return tensors.dtypeOf(WeightNames.EMBED_TOKENS);
    }

    /** Returns a display name: the folder name, or the file name without extension. */
    public String name() {
        String fileName = source.getFileName() == null ? source.toString() : source.getFileName().toString();
        return fileName.endsWith(".bin") ? fileName.substring(0, fileName.length() - 4) : fileName;
    }

    @Override
    public void close() {
        tensors.close();
    }
}
