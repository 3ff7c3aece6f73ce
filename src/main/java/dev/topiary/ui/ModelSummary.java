package dev.topiary.ui;

import dev.topiary.engine.ComputeDtype;
import dev.topiary.model.LanguageModel;
import dev.topiary.model.ModelConfig;
import java.nio.file.Path;

/**
 * What the model panel shows about the open model, in Hugging Face config.json terms.
 *
 * @param source the folder or file the model was read from
 * @param format the checkpoint format, such as "llama2.c checkpoint" or "Hugging Face folder"
 * @param fileDtype the dtype of the weights in the file, such as F32 or BF16
 * @param dtype the dtype the model's weights are held in on the device, such as float16
 */
public record ModelSummary(String name, Path source, String format, String architecture, int numHiddenLayers,
        int hiddenSize, int intermediateSize, int numAttentionHeads, int numKeyValueHeads, int vocabSize,
        long parameterCount, String fileDtype, String dtype, String device, boolean hasTokenizer) {

    /** Reads the summary of a loaded model. */
    public static ModelSummary of(LanguageModel model) {
        String dtype = ComputeDtype.name(model.dataType());
        ModelConfig config = model.config();
        return new ModelSummary(model.name(), model.source(), model.format(), config.architecture().hfClassName(),
                config.numHiddenLayers(), config.hiddenSize(), config.intermediateSize(), config.numAttentionHeads(),
                config.numKeyValueHeads(), config.vocabSize(), config.parameterCount(), model.fileDtype(), dtype,
                model.deviceName(), model.tokenizer() != null);
    }
}
