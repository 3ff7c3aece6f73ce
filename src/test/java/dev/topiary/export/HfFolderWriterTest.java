package dev.topiary.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topiary.model.Architecture;
import dev.topiary.model.ModelConfig;
import dev.topiary.model.hf.HfConfigReader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfFolderWriterTest {

    @TempDir
    Path folder;

    @Test
    void slidingWindowSurvivesConfigRoundTrip() throws Exception {
        for (Architecture architecture : Architecture.values()) {
            ModelConfig config = new ModelConfig(architecture, 32, 48, 2, 4, 2, 8, 61, 128, 1e-5, 10000, null,
                    false, architecture == Architecture.QWEN2, 3, 1, List.of(2));
            Path configFile = folder.resolve(architecture.modelType() + ".json");
            new ObjectMapper().writeValue(configFile.toFile(), HfFolderWriter.configJson(config));

            ModelConfig read = HfConfigReader.read(configFile, null);

            assertEquals(3, read.slidingWindow(), architecture.hfClassName());
            assertEquals(config.attentionBias(), read.attentionBias(), architecture.hfClassName());
        }
    }
}
