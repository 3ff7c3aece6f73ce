package dev.topiary.model.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads and writes safetensors files byte by byte, independently of {@link SafetensorsFile} and
 * {@link SafetensorsWriter}, so tests can check those classes and can build files they would never write:
 * unknown dtypes, bad offsets, truncated data.
 */
public final class RawSafetensors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RawSafetensors() {}

    /** Writes an 8-byte little-endian header length, the header bytes as given, then the data bytes. */
    public static void write(Path file, String header, byte[] data) throws IOException {
        byte[] headerBytes = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + headerBytes.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(headerBytes.length).put(headerBytes).put(data);
        Files.write(file, out.array());
    }

    /** Replaces the header of a file with an edited copy, padded with spaces to a multiple of 8 bytes. */
    public static void editHeader(Path file, Consumer<ObjectNode> edit) throws IOException {
        ObjectNode header = header(file);
        byte[] data = data(file);
        edit.accept(header);
        String text = JSON.writeValueAsString(header);
        int length = text.getBytes(StandardCharsets.UTF_8).length;
        write(file, text + " ".repeat((8 - length % 8) % 8), data);
    }

    /** Returns the header length stored in the first 8 bytes. */
    public static long headerLength(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        return ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** Parses the JSON header. */
    public static ObjectNode header(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int length = Math.toIntExact(ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong());
        return (ObjectNode) JSON.readTree(new String(bytes, 8, length, StandardCharsets.UTF_8));
    }

    /** Returns the bytes after the header: the data region. */
    public static byte[] data(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int start = 8 + (int) headerLength(file);
        byte[] data = new byte[bytes.length - start];
        System.arraycopy(bytes, start, data, 0, data.length);
        return data;
    }

    /** Reads every tensor of a file, all of which must be F32. */
    public static Map<String, float[]> readF32(Path file) throws IOException {
        ObjectNode header = header(file);
        ByteBuffer data = ByteBuffer.wrap(data(file)).order(ByteOrder.LITTLE_ENDIAN);
        Map<String, float[]> tensors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (entry.getKey().equals("__metadata__")) {
                continue;
            }
            JsonNode tensor = entry.getValue();
            if (!tensor.get("dtype").asText().equals("F32")) {
                throw new IOException(entry.getKey() + " is " + tensor.get("dtype") + ", not F32");
            }
            int begin = tensor.get("data_offsets").get(0).asInt();
            int end = tensor.get("data_offsets").get(1).asInt();
            float[] values = new float[(end - begin) / 4];
            for (int i = 0; i < values.length; i++) {
                values[i] = data.getFloat(begin + 4 * i);
            }
            tensors.put(entry.getKey(), values);
        }
        return tensors;
    }
}
