package dev.topiary.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topiary.engine.Scalars;
import dev.topiary.export.ExportException;
import dev.topiary.export.HfFolderWriter;
import dev.topiary.model.LanguageModel;
import dev.topiary.model.ModelConfig;
import dev.topiary.model.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Knowledge distillation: every weight of the student trains; the teacher stays frozen and runs without a graph. */
final class DistillationTask implements TrainingTask {

    private static final Logger log = LoggerFactory.getLogger(DistillationTask.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Texts both tokenizers must encode to the same ids: words, punctuation, digits and a non-ASCII letter. */
    private static final String[] VOCABULARY_PROBES = {
        "Once upon a time, there was a little girl named Lily.", "\"Why?\" asked Tom. 42 + 7 = 49; caf\u00e9!"};

    private final LanguageModel teacher;
    private final LanguageModel student;
    private final DistillationConfig config;
    private final int[] studentLayers;
    private final int[] teacherLayers;
    private final TrainableWeights weights;

    /** Checks that the models fit together and makes the student's weights trainable. Call on the engine thread. */
    DistillationTask(LanguageModel teacher, LanguageModel student, DistillationConfig config) {
        if (teacher == student) {
            throw new IllegalArgumentException("The teacher and the student are the same loaded model; load the "
                    + "student separately so the teacher keeps its weights.");
        }
        checkVocabulary(teacher, student);
        TrainableWeights.requireFrozen(teacher, "the teacher");
        this.teacher = teacher;
        this.student = student;
        this.config = config;
        int[][] pairs = config.hiddenWeight() > 0 ? layerPairs(teacher, student) : new int[][] {{}, {}};
        this.studentLayers = pairs[0];
        this.teacherLayers = pairs[1];
        this.weights = TrainableWeights.of(student);
    }

    /** Rejects models whose token ids mean different things, because KL compares distributions id by id. */
    static void checkVocabulary(LanguageModel teacher, LanguageModel student) {
        int teacherVocab = teacher.config().vocabSize();
        int studentVocab = student.config().vocabSize();
        if (teacherVocab != studentVocab) {
            throw new IllegalArgumentException("The student " + student.name() + " has a vocabulary of " + studentVocab
                    + " tokens but the teacher " + teacher.name() + " has " + teacherVocab + "; distillation compares "
                    + "the two models' next-token distributions id by id, so they must share one vocabulary. Use a "
                    + "student pruned from the teacher or from the same model family.");
        }
        TextTokenizer teacherTokens = teacher.tokenizer();
        TextTokenizer studentTokens = student.tokenizer();
        if (teacherTokens == null || studentTokens == null) {
            return;
        }
        // Token display forms differ between tokenizer implementations (a llama2.c tokenizer and its tokenizer.json
        // render byte tokens differently), so the check compares what matters: the ids each gives the same text.
        for (String probe : VOCABULARY_PROBES) {
            int[] teacherIds = teacherTokens.encode(probe);
            int[] studentIds = studentTokens.encode(probe);
            if (!java.util.Arrays.equals(teacherIds, studentIds)) {
                throw new IllegalArgumentException("The student " + student.name() + " and the teacher "
                        + teacher.name() + " both have " + teacherVocab + " tokens but encode \"" + probe
                        + "\" differently (" + java.util.Arrays.toString(studentIds) + " and "
                        + java.util.Arrays.toString(teacherIds) + "). Distillation needs one shared vocabulary; use "
                        + "a student made from the teacher.");
            }
        }
    }

    /**
     * Pairs student layers with teacher layers for the hidden-state loss, as [student layers, teacher layers]. Equal
     * depths pair layer by layer. A student that pruning made shallower pairs each kept layer with its original,
     * as the {@code removed_layers} of its topiary.json list them; without that record, student layer i pairs with
     * teacher layer {@code round((i + 1) L_t / L_s) - 1}, so the last layers meet.
     */
    static int[][] layerPairs(LanguageModel teacher, LanguageModel student) {
        ModelConfig teacherConfig = teacher.config();
        ModelConfig studentConfig = student.config();
        if (teacherConfig.hiddenSize() != studentConfig.hiddenSize()) {
            throw new IllegalArgumentException("The hidden-state loss compares residual streams, but the student "
                    + student.name() + " has hidden size " + studentConfig.hiddenSize() + " and the teacher "
                    + teacherConfig.hiddenSize() + ". Set the hidden-state weight to 0.");
        }
        int studentDepth = studentConfig.numHiddenLayers();
        int teacherDepth = teacherConfig.numHiddenLayers();
        int[] studentLayers = new int[studentDepth];
        int[] teacherLayers = new int[studentDepth];
        int[] kept = studentDepth == teacherDepth ? null : keptLayers(student, teacherDepth);
        for (int layer = 0; layer < studentDepth; layer++) {
            studentLayers[layer] = layer;
            if (studentDepth == teacherDepth) {
                teacherLayers[layer] = layer;
            } else if (kept != null) {
                teacherLayers[layer] = kept[layer];
            } else {
                teacherLayers[layer] = Math.max(0, (int) Math.round((layer + 1.0) * teacherDepth / studentDepth) - 1);
            }
        }
        if (studentDepth != teacherDepth && kept == null) {
            log.warn("The student {} has {} layers and the teacher {} has {}, and no topiary.json names the removed "
                    + "layers; pairing student layers {} with teacher layers {}", student.name(), studentDepth,
                    teacher.name(), teacherDepth, java.util.Arrays.toString(studentLayers),
                    java.util.Arrays.toString(teacherLayers));
        }
        return new int[][] {studentLayers, teacherLayers};
    }

    /** Returns the original indices of a pruned student's layers from its topiary.json, or null when unknown. */
    private static int[] keptLayers(LanguageModel student, int teacherDepth) {
        Path record = student.source().resolve("topiary.json");
        if (!Files.isRegularFile(record)) {
            return null;
        }
        try {
            JsonNode json = JSON.readTree(record.toFile());
            if (json.path("layers_before").asInt(-1) != teacherDepth || !json.path("removed_layers").isArray()) {
                return null;
            }
            List<Integer> removed = new ArrayList<>();
            json.get("removed_layers").forEach(node -> removed.add(node.asInt()));
            int[] kept = java.util.stream.IntStream.range(0, teacherDepth).filter(l -> !removed.contains(l)).toArray();
            return kept.length == student.config().numHiddenLayers() ? kept : null;
        } catch (IOException e) {
            log.warn("Cannot read {} to pair layers ({}); pairing layers evenly instead", record, e.getMessage());
            return null;
        }
    }

    @Override
    public String kind() {
        return "distillation";
    }

    @Override
    public LanguageModel trainedModel() {
        return student;
    }

    @Override
    public Map<String, NDArray> parameters() {
        return weights.arrays();
    }

    @Override
    public Reference reference(int[][] inputs) {
        HiddenStates hidden = new HiddenStates(teacherLayers, teacher.config().numHiddenLayers());
        NDArray logits = teacher.transformer().forward(inputs, null, hidden, false); // [B, T, V]
        return new Reference(logits, hidden.states());
    }

    @Override
    public LossTerms loss(int[][] inputs, NDArray targets, Reference reference, boolean training) {
        HiddenStates hidden = new HiddenStates(studentLayers, student.config().numHiddenLayers());
        NDArray logits = student.transformer().forward(inputs, null, hidden, false); // [B, T, V]
        float temperature = (float) config.temperature();
        NDArray crossEntropy = Losses.crossEntropy(logits, targets);
        NDArray kl = Losses.klDivergence(logits, reference.logits(), temperature);
        NDManager manager = logits.getManager();
        NDArray total = kl.mul(Scalars.of(manager, (float) (config.alpha() * temperature * temperature)))
                .add(crossEntropy.mul(Scalars.of(manager, (float) (1 - config.alpha()))));
        NDArray hiddenLoss = null;
        if (studentLayers.length > 0) {
            hiddenLoss = Losses.hiddenLoss(hidden.states(), reference.hidden(), config.hiddenLoss());
            total = total.add(hiddenLoss.mul(Scalars.of(manager, (float) config.hiddenWeight())));
        }
        NDArray plainKl = training ? null : Losses.klDivergence(logits, reference.logits(), 1f);
        return new LossTerms(total, crossEntropy, kl, hiddenLoss, plainKl);
    }

    @Override
    public List<Path> export(Path runFolder, Map<String, Object> provenance) throws ExportException {
        Path written = HfFolderWriter.write(student.asCheckpoint(), runFolder.resolve("model"), provenance);
        return List.of(written);
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> description = new LinkedHashMap<>();
        // Absolute and normalised, so that a resume from another working folder finds the models.
        description.put("teacher", teacher.source().toAbsolutePath().normalize().toString());
        description.put("student", student.source().toAbsolutePath().normalize().toString());
        description.put("trainable_parameters", weights.parameterCount());
        description.put("hidden_layer_pairs", pairs());
        return description;
    }

    private List<List<Integer>> pairs() {
        List<List<Integer>> pairs = new ArrayList<>();
        for (int i = 0; i < studentLayers.length; i++) {
            pairs.add(List.of(studentLayers[i], teacherLayers[i]));
        }
        return pairs;
    }

    @Override
    public void close() {
        weights.close();
    }
}
