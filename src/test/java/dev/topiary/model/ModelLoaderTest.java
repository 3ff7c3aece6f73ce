package dev.topiary.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelLoaderTest {

    @TempDir
    Path folder;

    @Test
    void opensFolderOfPickedFile() throws Exception {
        Path model = TinyHfModel.llama().write(folder.resolve("model"));
        Path sharded = TinyHfModel.llama().shards(2).write(folder.resolve("sharded"));

        for (Path file : new Path[] {model.resolve("config.json"), model.resolve("model.safetensors"),
                sharded.resolve("model-00001-of-00002.safetensors"), sharded.resolve("model.safetensors.index.json")}) {
            try (Checkpoint checkpoint = ModelLoader.open(file, null)) {
                assertEquals(file.getParent().toAbsolutePath(), checkpoint.source(), file.toString());
                assertEquals("Hugging Face folder", checkpoint.format(), file.toString());
            }
        }
    }

    @Test
    void rejectsMissingPath() {
        Path missing = folder.resolve("nothing");

        ModelFormatException error = assertThrows(ModelFormatException.class, () -> ModelLoader.open(missing, null));

        assertEquals(missing, error.file());
        assertTrue(error.getMessage().contains("not found"), error.getMessage());
    }
}
