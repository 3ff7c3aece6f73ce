package dev.topiary.model.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsWriterTest {

    @TempDir
    Path folder;

    @Test
    void writesTwoElementTensorByteForByte() throws Exception {
        Path file = folder.resolve("two.safetensors");
        new SafetensorsWriter().add("w", TensorDtype.F32, new long[] {2}, new float[] {1f, -2f}).write(file);

        // The 85-byte JSON header is padded with 3 spaces to 88, a multiple of 8.
        String header = "{\"__metadata__\":{\"format\":\"pt\"},\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        byte[] expected = new byte[8 + 88 + 8];
        expected[0] = 88;
        byte[] headerBytes = (header + "   ").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(headerBytes, 0, expected, 8, 88);
        // 1.0f is 0x3F800000 and -2.0f is 0xC0000000, stored little-endian.
        byte[] data = {0x00, 0x00, (byte) 0x80, 0x3f, 0x00, 0x00, 0x00, (byte) 0xc0};
        System.arraycopy(data, 0, expected, 96, 8);

        assertEquals(85, header.length());
        assertArrayEquals(expected, Files.readAllBytes(file));
    }

    @Test
    void writesHalfAndBfloat16Bytes() throws Exception {
        Path file = folder.resolve("narrow.safetensors");
        new SafetensorsWriter()
                .add("half", TensorDtype.F16, new long[] {2}, new float[] {1f, -2f})
                .add("brain", TensorDtype.BF16, new long[] {2}, new float[] {1f, 1 + 3 * 0x1p-8f})
                .write(file);

        // F16 1.0 = 0x3C00, -2.0 = 0xC000; BF16 1.0 = 0x3F80, 1 + 3/256 rounds to even 0x3F82.
        byte[] expected = {0x00, 0x3c, 0x00, (byte) 0xc0, (byte) 0x80, 0x3f, (byte) 0x82, 0x3f};
        assertArrayEquals(expected, RawSafetensors.data(file));
        assertEquals(0, RawSafetensors.headerLength(file) % 8, "header length is a multiple of 8");
        ObjectNode header = RawSafetensors.header(file);
        assertEquals("F16", header.get("half").get("dtype").asText());
        assertEquals("[0,4]", header.get("half").get("data_offsets").toString());
        assertEquals("BF16", header.get("brain").get("dtype").asText());
        assertEquals("[4,8]", header.get("brain").get("data_offsets").toString());
    }

    @Test
    void roundTripsThroughReader() throws Exception {
        Random random = new Random(3);
        float[] matrix = new float[3 * 5];
        for (int i = 0; i < matrix.length; i++) {
            matrix[i] = (float) random.nextGaussian();
        }
        float[] vector = {0.1f, -0.2f, 3.3f, 1e-6f};
        Path file = folder.resolve("round.safetensors");
        new SafetensorsWriter()
                .metadata("source", "unit test")
                .add("matrix.f32", TensorDtype.F32, new long[] {3, 5}, matrix)
                .add("matrix.f16", TensorDtype.F16, new long[] {5, 3}, matrix)
                .add("matrix.bf16", TensorDtype.BF16, new long[] {15}, matrix)
                .add("vector", TensorDtype.F16, new long[] {4}, vector)
                .add("scalar", TensorDtype.F32, new long[] {}, new float[] {42f})
                .write(file);

        try (SafetensorsFile read = SafetensorsFile.open(file)) {
            assertEquals(List.of("matrix.f32", "matrix.f16", "matrix.bf16", "vector", "scalar"),
                    List.copyOf(read.tensors().keySet()));
            assertEquals("pt", read.metadata().get("format"));
            assertEquals("unit test", read.metadata().get("source"));
            assertArrayEquals(new long[] {5, 3}, read.tensors().get("matrix.f16").shape());
            assertEquals(TensorDtype.BF16, read.tensors().get("matrix.bf16").dtype());
            assertArrayEquals(new long[] {}, read.tensors().get("scalar").shape());

            assertArrayEquals(matrix, read.readFloats("matrix.f32"));
            assertArrayEquals(rounded(matrix, false), read.readFloats("matrix.f16"));
            assertArrayEquals(rounded(matrix, true), read.readFloats("matrix.bf16"));
            assertArrayEquals(rounded(vector, false), read.readFloats("vector"));
            assertArrayEquals(new float[] {42f}, read.readFloats("scalar"));
        }
    }

    private static float[] rounded(float[] values, boolean bfloat16) {
        float[] result = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = bfloat16 ? PrecisionRounding.toBfloat16(values[i]) : PrecisionRounding.toHalf(values[i]);
        }
        return result;
    }
}
