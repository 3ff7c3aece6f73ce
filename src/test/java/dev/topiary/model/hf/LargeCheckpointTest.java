package dev.topiary.model.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.topiary.model.LanguageModel;
import dev.topiary.model.LogitAssertions;
import dev.topiary.model.ModelRuns;
import dev.topiary.model.TinyHfModel;
import dev.topiary.model.safetensors.RawSafetensors;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A safetensors file larger than 2 GiB, where int offsets overflow. The file is sparse: a 2 GiB "filler" tensor
 * that the model does not use comes first and is never written, so the test needs no real disk space.
 */
class LargeCheckpointTest {

    /** Just over 2^31 bytes, so every model tensor starts beyond what an int offset can address. */
    private static final long FILLER_BYTES = (1L << 31) + 64;

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path folder;

    @Test
    void weightsPastTwoGibibytesLoad() throws Exception {
        TinyHfModel tiny = TinyHfModel.llama().numKeyValueHeads(2).seed(41);
        Path compact = tiny.write(folder.resolve("compact"));
        Path large = folder.resolve("large");
        Files.createDirectories(large);
        Files.copy(compact.resolve("config.json"), large.resolve("config.json"));
        long firstTensorOffset = writeWithFiller(compact.resolve("model.safetensors"), large.resolve("model.safetensors"));

        assertTrue(Files.size(large.resolve("model.safetensors")) > FILLER_BYTES);
        assertTrue(firstTensorOffset > 1L << 31, "first model tensor at byte " + firstTensorOffset);
        int[] prompt = {2, 3, 5, 7, 11, 13, 17};
        float[][] fromCompact = logits(compact, prompt);
        float[][] fromLarge = logits(large, prompt);
        for (int t = 0; t < prompt.length; t++) {
            assertArrayEquals(fromCompact[t], fromLarge[t], "position " + t);
        }
        LogitAssertions.assertLogitsClose(tiny.reference().logits(prompt), fromLarge, 1e-4);
    }

    /**
     * Copies a safetensors file with an F32 tensor "filler" of {@link #FILLER_BYTES} placed first in the data
     * region. Only the header and the original tensors' bytes are written. Returns the absolute file offset of
     * the first original tensor.
     */
    private static long writeWithFiller(Path source, Path target) throws Exception {
        ObjectNode sourceHeader = RawSafetensors.header(source);
        byte[] data = RawSafetensors.data(source);

        ObjectNode header = JSON.createObjectNode();
        header.set("__metadata__", sourceHeader.get("__metadata__"));
        ObjectNode filler = header.putObject("filler");
        filler.put("dtype", "F32");
        filler.putArray("shape").add(FILLER_BYTES / 4);
        filler.putArray("data_offsets").add(0L).add(FILLER_BYTES);
        for (Iterator<Map.Entry<String, JsonNode>> it = sourceHeader.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (entry.getKey().equals("__metadata__")) {
                continue;
            }
            ObjectNode tensor = entry.getValue().deepCopy();
            long begin = tensor.get("data_offsets").get(0).asLong();
            long end = tensor.get("data_offsets").get(1).asLong();
            tensor.putArray("data_offsets").add(FILLER_BYTES + begin).add(FILLER_BYTES + end);
            header.set(entry.getKey(), tensor);
        }
        byte[] headerBytes = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        long dataStart = 8 + headerBytes.length;

        try (RandomAccessFile file = new RandomAccessFile(target.toFile(), "rw")) {
            file.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerBytes.length).array());
            file.write(headerBytes);
            file.setLength(dataStart + FILLER_BYTES + data.length);
            file.seek(dataStart + FILLER_BYTES);
            file.write(data);
            assertEquals(dataStart + FILLER_BYTES + data.length, file.length());
        }
        return dataStart + FILLER_BYTES;
    }

    private static float[][] logits(Path model, int[] prompt) throws Exception {
        LanguageModel loaded = ModelRuns.load(model);
        try {
            return ModelRuns.logits(loaded, prompt);
        } finally {
            ModelRuns.close(loaded);
        }
    }
}
