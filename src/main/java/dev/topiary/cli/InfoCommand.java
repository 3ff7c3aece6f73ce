package dev.topiary.cli;

import dev.topiary.engine.ComputeDtype;
import dev.topiary.engine.TensorEngine;
import dev.topiary.library.MemoryEstimate;
import dev.topiary.model.LanguageModel;
import dev.topiary.model.ModelConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code topiary info}: the shape of a model and where it runs. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Print a model's architecture, sizes, parameter count, dtype and device.")
final class InfoCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    ComputeOptions compute;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        TensorEngine engine = compute.engine(modelOptions.resolved());
        try (LanguageModel model = LanguageModel.load(engine, modelOptions.path(), modelOptions.tokenizer(),
                compute.dtype(modelOptions.resolved()))) {
            Map<String, Object> info = describe(model, engine);
            if (json) {
                spec.commandLine().getOut().println(Json.write(info));
            } else {
                info.forEach((key, value) -> spec.commandLine().getOut().printf("%-24s %s%n", key, value));
            }
            return 0;
        }
    }

    static Map<String, Object> describe(LanguageModel model, TensorEngine engine) {
        ModelConfig config = model.config();
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("name", model.name());
        info.put("source", model.source().toAbsolutePath().toString());
        info.put("format", model.format());
        info.put("architecture", config.architecture().hfClassName());
        info.put("layers", config.numHiddenLayers());
        info.put("hidden_size", config.hiddenSize());
        info.put("intermediate_size", config.intermediateSize());
        info.put("attention_heads", config.numAttentionHeads());
        info.put("key_value_heads", config.numKeyValueHeads());
        info.put("head_dim", config.headDim());
        info.put("vocab_size", config.vocabSize());
        info.put("max_position_embeddings", config.maxPositionEmbeddings());
        info.put("tied_embeddings", config.tieWordEmbeddings());
        info.put("parameters", config.parameterCount());
        info.put("file_dtype", model.fileDtype());
        info.put("dtype", ComputeDtype.name(model.dataType()));
        info.put("device", engine.deviceName());
        info.put("tokenizer", model.tokenizer() != null);
        int bytes = model.dataType().getNumOfBytes();
        int sequence = MemoryEstimate.checkSequence(config);
        MemoryEstimate estimate = MemoryEstimate.of(config, bytes, 1, sequence);
        MemoryEstimate trainingEstimate = MemoryEstimate.of(config, bytes, 8, Math.min(sequence, 256));
        info.put("memory_weights", MemoryEstimate.format(estimate.weights()));
        info.put("memory_inference", MemoryEstimate.format(estimate.inference()) + " (1 x " + sequence + " tokens)");
        info.put("memory_capture", MemoryEstimate.format(estimate.capture()) + " (1 x " + sequence + " tokens)");
        info.put("memory_training", MemoryEstimate.format(trainingEstimate.training()) + " (8 x "
                + Math.min(sequence, 256) + " tokens)");
        info.put("memory_free", MemoryEstimate.format(engine.freeDeviceBytes()));
        return info;
    }
}
