package dev.topiary.model.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topiary.model.ModelFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A safetensors file opened for reading. The header is parsed and validated up front. Tensor data is read
 * on demand through memory maps of at most {@link #MAX_MAP_BYTES}, so files and tensors larger than 2 GiB
 * load.
 */
public final class SafetensorsFile implements AutoCloseable {

    /** The largest region mapped at once: Java's MappedByteBuffer is indexed by int. */
    static final long MAX_MAP_BYTES = 1L << 30;
    private static final long MAX_HEADER_BYTES = 100L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, FileChannel channel, long dataStart, Map<String, TensorInfo> tensors,
            Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /** Opens a file and validates its header against its size. */
    public static SafetensorsFile open(Path path) throws ModelFormatException {
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new ModelFormatException(path, "cannot open the safetensors file (" + e.getMessage() + ").", e);
        }
        try {
            return parse(path, channel);
        } catch (ModelFormatException | RuntimeException e) {
            closeQuietly(channel);
            throw e;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new ModelFormatException(path, "reading the safetensors header failed: " + e.getMessage(), e);
        }
    }

    private static SafetensorsFile parse(Path path, FileChannel channel) throws IOException, ModelFormatException {
        long fileSize = channel.size();
        if (fileSize < 8) {
            throw new ModelFormatException(path, "the file has " + fileSize
                    + " bytes, fewer than the 8-byte header length of a safetensors file. Download it again.");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, lengthBytes, 0);
        long headerLength = lengthBytes.flip().getLong();
        if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || 8 + headerLength > fileSize) {
            throw new ModelFormatException(path, "the header length is " + Long.toUnsignedString(headerLength) + " bytes but the file has "
                    + fileSize + " bytes; the file is truncated or not a safetensors file. Download it again.");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
        readFully(channel, headerBytes, 8);
        JsonNode header;
        try {
            header = JSON.readTree(new String(headerBytes.array(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ModelFormatException(path, "the header is not valid JSON (" + e.getMessage().lines().findFirst().orElse("")
                    + "); the file is damaged. Download it again.", e);
        }
        if (header == null || !header.isObject()) {
            throw new ModelFormatException(path, "the header is not a JSON object; the file is damaged.");
        }

        long dataStart = 8 + headerLength;
        long dataSize = fileSize - dataStart;
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (entry.getKey().equals("__metadata__")) {
                entry.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            tensors.put(entry.getKey(), parseTensor(path, entry.getKey(), entry.getValue(), dataSize));
        }
        return new SafetensorsFile(path, channel, dataStart, tensors, metadata);
    }

    private static TensorInfo parseTensor(Path path, String name, JsonNode node, long dataSize)
            throws ModelFormatException {
        String dtypeName = node.path("dtype").asText("");
        TensorDtype dtype = TensorDtype.parse(dtypeName).orElseThrow(() -> new ModelFormatException(path,
                "tensor '" + name + "' has dtype '" + dtypeName + "', which Topiary cannot load as weights "
                        + "(supported: F32, F16, BF16). Convert the checkpoint to one of these dtypes."));
        JsonNode shapeNode = node.path("shape");
        JsonNode offsets = node.path("data_offsets");
        if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
            throw new ModelFormatException(path, "tensor '" + name
                    + "' has no valid 'shape' or 'data_offsets' in the header; the file is damaged.");
        }
        long[] shape = new long[shapeNode.size()];
        long expectedBytes = dtype.bytes();
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong(-1);
            if (shape[i] < 0) {
                throw new ModelFormatException(path, "tensor '" + name + "' has a negative dimension in its shape "
                        + shapeNode + "; the file is damaged.");
            }
            try {
                expectedBytes = Math.multiplyExact(expectedBytes, shape[i]);
            } catch (ArithmeticException e) {
                throw new ModelFormatException(path, "tensor '" + name + "' has shape " + shapeNode
                        + ", whose size in bytes overflows a 64-bit count; the file is damaged.");
            }
        }
        TensorInfo info = new TensorInfo(name, dtype, shape, offsets.get(0).asLong(), offsets.get(1).asLong());
        if (info.begin() < 0 || info.end() < info.begin()) {
            throw new ModelFormatException(path, "tensor '" + name + "' has data_offsets " + offsets + ", but they "
                    + "must be non-negative with the end not before the begin; the file is damaged.");
        }
        if (info.end() - info.begin() != expectedBytes) {
            throw new ModelFormatException(path, "tensor '" + name + "' with shape " + info.shapeText() + " and dtype "
                    + dtype + " needs " + expectedBytes + " bytes but its data_offsets span " + (info.end() - info.begin())
                    + "; the file is damaged.");
        }
        if (info.end() > dataSize) {
            throw new ModelFormatException(path, "tensor '" + name + "' ends at byte " + info.end()
                    + " of the data region, but the file holds only " + dataSize
                    + " data bytes; the file is truncated. Download it again.");
        }
        return info;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                throw new IOException("unexpected end of file at byte " + at);
            }
            at += read;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing a read-only channel after a parse failure: nothing left to protect.
        }
    }

    /** Returns the file path. */
    public Path path() {
        return path;
    }

    /** Returns the tensor entries in header order. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** Returns the {@code __metadata__} entries. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Reads a tensor and widens it to float32, row-major. */
    public float[] readFloats(String name) throws ModelFormatException {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw new ModelFormatException(path, "tensor '" + name + "' is not in this file.");
        }
        long count = info.elementCount();
        if (count > Integer.MAX_VALUE - 8) {
            throw new ModelFormatException(path, "tensor '" + name + "' has " + count
                    + " elements, more than one Java array can hold.");
        }
        float[] values = new float[(int) count];
        int bytesPerElement = info.dtype().bytes();
        long elementsPerChunk = MAX_MAP_BYTES / bytesPerElement;
        try {
            for (long first = 0; first < count; first += elementsPerChunk) {
                int chunk = (int) Math.min(elementsPerChunk, count - first);
                MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY,
                        dataStart + info.begin() + first * bytesPerElement, (long) chunk * bytesPerElement);
                mapped.order(ByteOrder.LITTLE_ENDIAN);
                decode(info.dtype(), mapped, values, (int) first, chunk);
            }
        } catch (IOException e) {
            throw new ModelFormatException(path, "reading tensor '" + name + "' failed: " + e.getMessage(), e);
        }
        return values;
    }

    private static void decode(TensorDtype dtype, ByteBuffer source, float[] target, int offset, int count) {
        switch (dtype) {
            case F32 -> source.asFloatBuffer().get(target, offset, count);
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    target[offset + i] = TensorDtype.halfToFloat(source.getShort(2 * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    target[offset + i] = TensorDtype.bfloat16ToFloat(source.getShort(2 * i));
                }
            }
        }
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }
}
