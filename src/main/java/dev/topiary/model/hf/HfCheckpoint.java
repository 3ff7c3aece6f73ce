package dev.topiary.model.hf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.topiary.model.Checkpoint;
import dev.topiary.model.FusedProjections;
import dev.topiary.model.ModelConfig;
import dev.topiary.model.ModelFormatException;
import dev.topiary.model.TensorSource;
import dev.topiary.model.WeightLayout;
import dev.topiary.model.WeightNames;
import dev.topiary.model.safetensors.SafetensorsFile;
import dev.topiary.model.safetensors.TensorInfo;
import dev.topiary.model.tokenizer.HfTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens a Hugging Face model folder with safetensors weights, one file or several shards. */
public final class HfCheckpoint {

    private static final Logger log = LoggerFactory.getLogger(HfCheckpoint.class);
    static final String CONFIG = "config.json";
    static final String GENERATION_CONFIG = "generation_config.json";
    static final String SINGLE_FILE = "model.safetensors";
    static final String INDEX = "model.safetensors.index.json";
    static final String TOKENIZER = "tokenizer.json";

    private HfCheckpoint() {}

    /** Returns whether a folder looks like a Hugging Face model folder. */
    public static boolean isModelFolder(Path folder) {
        return Files.isRegularFile(folder.resolve(CONFIG));
    }

    /** Opens a model folder and checks that its weights match its config. */
    public static Checkpoint read(Path folder) throws ModelFormatException {
        Path configFile = folder.resolve(CONFIG);
        if (!Files.isRegularFile(configFile)) {
            throw new ModelFormatException(folder, "no config.json in this folder. Open the folder that holds a Hugging "
                    + "Face model's config.json and safetensors files, or a llama2.c .bin file.");
        }
        ModelConfig config = HfConfigReader.read(configFile, folder.resolve(GENERATION_CONFIG));
        ShardedTensors tensors = openWeights(folder);
        try {
            WeightLayout.validate(config, tensors, configFile);
            reportUnused(config, tensors);
            Path tokenizerFile = folder.resolve(TOKENIZER);
            HfTokenizer tokenizer = null;
            if (Files.isRegularFile(tokenizerFile)) {
                tokenizer = HfTokenizer.load(tokenizerFile, config.vocabSize());
            } else {
                tokenizerFile = null;
                log.warn("{} has no tokenizer.json: prompts must be given as token ids", folder);
            }
            log.info("Opened {} folder {} ({} layers, hidden {}, vocab {}, {} weights)",
                    config.architecture().hfClassName(), folder, config.numHiddenLayers(), config.hiddenSize(),
                    config.vocabSize(), tensors.dtypeOf(WeightNames.EMBED_TOKENS));
            return new Checkpoint(folder, "Hugging Face folder", config, FusedProjections.split(config, tensors),
                    tokenizer, tokenizerFile);
        } catch (ModelFormatException | RuntimeException e) {
            tensors.close();
            throw e;
        }
    }

    private static ShardedTensors openWeights(Path folder) throws ModelFormatException {
        Path single = folder.resolve(SINGLE_FILE);
        Path index = folder.resolve(INDEX);
        List<Path> files = new ArrayList<>();
        if (Files.isRegularFile(index)) {
            JsonNode weightMap = HfConfigReader.readJson(index).get("weight_map");
            if (weightMap == null || !weightMap.isObject()) {
                throw new ModelFormatException(index, "has no 'weight_map' object; the index is damaged.");
            }
            Set<String> shardNames = new TreeSet<>();
            weightMap.elements().forEachRemaining(shard -> shardNames.add(shard.asText()));
            for (String shardName : shardNames) {
                Path shard = folder.resolve(shardName);
                if (!Files.isRegularFile(shard)) {
                    throw new ModelFormatException(shard, "is listed in " + INDEX
                            + " but missing. Download every shard of the model.");
                }
                files.add(shard);
            }
        } else if (Files.isRegularFile(single)) {
            files.add(single);
        } else {
            throw new ModelFormatException(folder, "no model.safetensors or model.safetensors.index.json in this "
                    + "folder. Topiary reads safetensors weights; convert .bin/.pt weights with transformers' "
                    + "save_pretrained(safe_serialization=True).");
        }

        ShardedTensors tensors = new ShardedTensors();
        try {
            for (Path file : files) {
                tensors.add(SafetensorsFile.open(file));
            }
        } catch (ModelFormatException e) {
            tensors.close();
            throw e;
        }
        return tensors;
    }

    private static void reportUnused(ModelConfig config, TensorSource tensors) {
        Set<String> expected = WeightLayout.stored(config).keySet();
        List<String> unused = tensors.names().stream()
                .filter(name -> !expected.contains(name))
                // transformers stores a redundant lm_head next to tied embeddings in some exports.
                .filter(name -> !(config.tieWordEmbeddings() && name.equals(WeightNames.LM_HEAD)))
                .filter(name -> !name.endsWith("rotary_emb.inv_freq"))
                .toList();
        if (!unused.isEmpty()) {
            log.warn("Ignoring {} tensors the model does not use, for example {}", unused.size(), unused.get(0));
        }
    }

    /** The tensors of one or more safetensors files, looked up by name across files. */
    static final class ShardedTensors implements TensorSource {
        private final List<SafetensorsFile> files = new ArrayList<>();
        private final Map<String, SafetensorsFile> owner = new LinkedHashMap<>();

        void add(SafetensorsFile file) throws ModelFormatException {
            files.add(file);
            for (Iterator<String> it = file.tensors().keySet().iterator(); it.hasNext(); ) {
                String name = it.next();
                SafetensorsFile previous = owner.put(name, file);
                if (previous != null) {
                    throw new ModelFormatException(file.path(), "tensor '" + name + "' is also stored in "
                            + previous.path() + "; the shards overlap.");
                }
            }
        }

        private TensorInfo info(String name) {
            return owner.get(name).tensors().get(name);
        }

        @Override
        public Set<String> names() {
            return owner.keySet();
        }

        @Override
        public long[] shape(String name) {
            return info(name).shape();
        }

        @Override
        public Path fileOf(String name) {
            return owner.get(name).path();
        }

        @Override
        public String dtypeOf(String name) {
            return info(name).dtype().name();
        }

        @Override
        public float[] read(String name) throws ModelFormatException {
            return owner.get(name).readFloats(name);
        }

        @Override
        public void close() {
            files.forEach(SafetensorsFile::close);
        }
    }
}
