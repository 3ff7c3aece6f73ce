package dev.topiary.model.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes float32 tensors to a safetensors file, optionally narrowed to F16 or BF16. The header carries
 * {@code __metadata__: {"format": "pt"}}, which {@code transformers} expects, and is padded with spaces to a
 * multiple of 8 bytes so the data region stays aligned.
 */
public final class SafetensorsWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Entry(String name, TensorDtype dtype, long[] shape, float[] values) {}

    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    public SafetensorsWriter() {
        metadata.put("format", "pt");
    }

    /** Adds a tensor; {@code values} is row-major and must match the shape. */
    public SafetensorsWriter add(String name, TensorDtype dtype, long[] shape, float[] values) {
        long count = 1;
        for (long dimension : shape) {
            count *= dimension;
        }
        if (count != values.length) {
            throw new IllegalArgumentException("Tensor " + name + " has " + values.length
                    + " values but its shape needs " + count);
        }
        entries.add(new Entry(name, dtype, shape.clone(), values));
        return this;
    }

    /** Adds a metadata entry to the header. */
    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** Writes the file, replacing any file at {@code path}. */
    public void write(Path path) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        ObjectNode meta = header.putObject("__metadata__");
        metadata.forEach(meta::put);
        long offset = 0;
        for (Entry entry : entries) {
            ObjectNode tensor = header.putObject(entry.name);
            tensor.put("dtype", entry.dtype.name());
            ArrayNode shape = tensor.putArray("shape");
            for (long dimension : entry.shape) {
                shape.add(dimension);
            }
            long bytes = (long) entry.values.length * entry.dtype.bytes();
            tensor.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] headerBytes = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padding = (8 - headerBytes.length % 8) % 8;

        try (OutputStream out = Files.newOutputStream(path)) {
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            length.putLong(headerBytes.length + padding);
            out.write(length.array());
            out.write(headerBytes);
            out.write(" ".repeat(padding).getBytes(StandardCharsets.US_ASCII));
            for (Entry entry : entries) {
                writeData(out, entry);
            }
        }
    }

    private static void writeData(OutputStream out, Entry entry) throws IOException {
        int chunk = 1 << 16;
        ByteBuffer buffer = ByteBuffer.allocate(chunk * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int first = 0; first < entry.values.length; first += chunk) {
            buffer.clear();
            int end = Math.min(entry.values.length, first + chunk);
            for (int i = first; i < end; i++) {
                float value = entry.values[i];
                switch (entry.dtype) {
                    case F32 -> buffer.putFloat(value);
                    case F16 -> buffer.putShort(TensorDtype.floatToHalf(value));
                    case BF16 -> buffer.putShort(TensorDtype.floatToBfloat16(value));
                }
            }
            out.write(buffer.array(), 0, buffer.position());
        }
    }
}
