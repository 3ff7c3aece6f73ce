package dev.topiary.training;

import ai.djl.ndarray.NDArray;
import dev.topiary.engine.TensorEngine;
import dev.topiary.export.ExportException;
import dev.topiary.export.HfFolderWriter;
import dev.topiary.model.LanguageModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** LoRA: adapters on a frozen model train on the next-token cross-entropy. */
final class LoraTask implements TrainingTask {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LoraTask.class);

    private final TensorEngine engine;
    private final LanguageModel model;
    private final LoraAdapter adapter;
    private final boolean merge;
    private final TrainableWeights weights;

    /** Creates and attaches untrained adapters; call on the engine thread. */
    LoraTask(TensorEngine engine, LanguageModel model, LoraConfig config, long seed, boolean merge) {
        TrainableWeights.requireFloat32(model, "the LoRA base model");
        TrainableWeights.requireFrozen(model, "the LoRA base model");
        if (model.transformer().adapter() != null) {
            throw new IllegalArgumentException("The model " + model.name() + " has an adapter attached already; "
                    + "load it again to train new adapters.");
        }
        this.engine = engine;
        this.model = model;
        this.adapter = LoraAdapter.create(model, config, seed);
        this.merge = merge;
        this.weights = TrainableWeights.of(adapter.arrays());
        adapter.attachTo(model);
    }

    @Override
    public String kind() {
        return "lora";
    }

    @Override
    public LanguageModel trainedModel() {
        return model;
    }

    @Override
    public Map<String, NDArray> parameters() {
        return weights.arrays();
    }

    @Override
    public Reference reference(int[][] inputs) {
        return null;
    }

    @Override
    public LossTerms loss(int[][] inputs, NDArray targets, Reference reference, boolean training) {
        adapter.setTraining(training);
        try {
            NDArray logits = model.transformer().forward(inputs, null, dev.topiary.activations.ActivationRecorder.NONE,
                    false); // [B, T, V]
            NDArray crossEntropy = Losses.crossEntropy(logits, targets);
            return new LossTerms(crossEntropy, crossEntropy, null, null, null);
        } finally {
            adapter.setTraining(false);
        }
    }

    @Override
    public List<Path> export(Path runFolder, Map<String, Object> provenance) throws ExportException {
        List<Path> written = new ArrayList<>();
        Path adapterFolder = runFolder.resolve("adapter");
        if (Files.isDirectory(adapterFolder)) {
            // A run stopped between its two exports: the adapter was renamed into place complete, from the same
            // final weights, so only the merged model is missing.
            written.add(adapterFolder);
        } else if (PeftAdapter.canWrite(model.config(), adapter.config())) {
            written.add(PeftAdapter.write(engine, adapter, model, adapterFolder, baseModelPath()));
        } else {
            log.warn("Not writing a PEFT adapter: {} fuses some targeted projections; writing the merged model only",
                    model.name());
        }
        if (merge) {
            written.add(HfFolderWriter.write(adapter.mergedCheckpoint(engine, model), runFolder.resolve("model"),
                    provenance));
        }
        return written;
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("model", baseModelPath());
        description.put("merge", merge);
        description.put("trainable_parameters", weights.parameterCount());
        return description;
    }

    /** Returns the base model's path as absolute and normalised, so it stays valid from any working folder. */
    private String baseModelPath() {
        return model.source().toAbsolutePath().normalize().toString();
    }

    @Override
    public void close() {
        weights.close();
        model.transformer().setAdapter(null);
        adapter.close();
    }
}
