package dev.topiary.model.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.model.ModelFormatException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {

    @TempDir
    Path folder;

    @Test
    void rejectsHeaderLengthPastEndOfFile() throws Exception {
        Path file = folder.resolve("short.safetensors");
        byte[] bytes = ByteBuffer.allocate(8 + 10).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).array();
        Files.write(file, bytes);

        ModelFormatException error = assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(file));

        assertEquals(file, error.file());
        assertTrue(error.getMessage().startsWith(file.toString()), error.getMessage());
        assertTrue(error.getMessage().contains("header length is 1000 bytes"), error.getMessage());
        assertTrue(error.getMessage().contains("file has 18 bytes"), error.getMessage());
    }

    @Test
    void rejectsFileShorterThanLengthField() throws Exception {
        Path file = folder.resolve("tiny.safetensors");
        Files.write(file, new byte[] {1, 2, 3});

        ModelFormatException error = assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(file));

        assertEquals(file, error.file());
        assertTrue(error.getMessage().contains("3 bytes"), error.getMessage());
    }

    @Test
    void rejectsTensorDataPastEndOfFile() throws Exception {
        Path file = folder.resolve("truncated.safetensors");
        new SafetensorsWriter()
                .add("first", TensorDtype.F32, new long[] {2}, new float[] {1, 2})
                .add("second", TensorDtype.F32, new long[] {3}, new float[] {3, 4, 5})
                .write(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(raf.length() - 4);
        }

        ModelFormatException error = assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(file));

        assertEquals(file, error.file());
        assertTrue(error.getMessage().contains("tensor 'second' ends at byte 20"), error.getMessage());
        assertTrue(error.getMessage().contains("only 16 data bytes"), error.getMessage());
        assertTrue(error.getMessage().contains("truncated"), error.getMessage());
    }

    @Test
    void rejectsUnknownDtypes() throws Exception {
        for (String dtype : new String[] {"F8_E4M3", "I64"}) {
            Path file = folder.resolve(dtype + ".safetensors");
            RawSafetensors.write(file, "{\"weight\":{\"dtype\":\"" + dtype + "\",\"shape\":[2],\"data_offsets\":[0,16]}}",
                    new byte[16]);

            ModelFormatException error = assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(file));

            assertEquals(file, error.file());
            assertTrue(error.getMessage().contains("tensor 'weight' has dtype '" + dtype + "'"), error.getMessage());
            assertTrue(error.getMessage().contains("supported: F32, F16, BF16"), error.getMessage());
        }
    }

    @Test
    void rejectsOffsetsThatDisagreeWithShape() throws Exception {
        Path file = folder.resolve("span.safetensors");
        RawSafetensors.write(file, "{\"weight\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}",
                new byte[8]);

        ModelFormatException error = assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(file));

        assertTrue(error.getMessage().contains("needs 12 bytes but its data_offsets span 8"), error.getMessage());
    }

    @Test
    void rejectsNegativeDataOffset() throws Exception {
        Path file = folder.resolve("negative.safetensors");
        RawSafetensors.write(file, "{\"weight\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]}}",
                new byte[8]);

        ModelFormatException error = assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(file));

        assertEquals(file, error.file());
        assertTrue(error.getMessage().contains("tensor 'weight' has data_offsets [-8,0]"), error.getMessage());
    }

    @Test
    void rejectsShapeWhoseSizeOverflows() throws Exception {
        // 2^32 * 2^30 * 4 bytes wraps to 0 in 64-bit arithmetic, which would match data_offsets [0, 0].
        Path file = folder.resolve("overflow.safetensors");
        RawSafetensors.write(file, "{\"huge\":{\"dtype\":\"F32\",\"shape\":[4294967296,1073741824],"
                + "\"data_offsets\":[0,0]}}", new byte[0]);

        ModelFormatException error = assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(file));

        assertEquals(file, error.file());
        assertTrue(error.getMessage().contains("tensor 'huge' has shape [4294967296,1073741824]"), error.getMessage());
        assertTrue(error.getMessage().contains("overflows"), error.getMessage());
    }

    @Test
    void rejectsHeaderThatIsNotJson() throws Exception {
        Path file = folder.resolve("garbage.safetensors");
        RawSafetensors.write(file, "{\"weight\": [", new byte[0]);

        ModelFormatException error = assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(file));

        assertEquals(file, error.file());
        assertTrue(error.getMessage().contains("not valid JSON"), error.getMessage());
    }
}
