package dev.topiary.ui.pruning;

import java.nio.file.Path;

/**
 * A written pruned model.
 *
 * @param folder the Hugging Face folder written
 * @param parameters its parameter count
 * @param intermediateSize its intermediate_size
 * @param layers its num_hidden_layers
 */
public record ExportOutcome(Path folder, long parameters, int intermediateSize, int layers) {}
