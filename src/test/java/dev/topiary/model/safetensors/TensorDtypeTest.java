package dev.topiary.model.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TensorDtypeTest {

    @Test
    void halfEncodesKnownBitPatterns() {
        assertEquals(0x3c00, TensorDtype.floatToHalf(1f) & 0xffff);
        assertEquals(0xc000, TensorDtype.floatToHalf(-2f) & 0xffff);
        assertEquals(0x7bff, TensorDtype.floatToHalf(65504f) & 0xffff);
        assertEquals(0x0400, TensorDtype.floatToHalf(0x1p-14f) & 0xffff, "smallest normal");
        assertEquals(0x0001, TensorDtype.floatToHalf(0x1p-24f) & 0xffff, "smallest subnormal");
        assertEquals(0x2e66, TensorDtype.floatToHalf(0.1f) & 0xffff);
        assertEquals(0x3555, TensorDtype.floatToHalf(1f / 3) & 0xffff);
        assertEquals(0x7c00, TensorDtype.floatToHalf(65520f) & 0xffff, "65520 rounds up to infinity");
        assertEquals(0xfc00, TensorDtype.floatToHalf(Float.NEGATIVE_INFINITY) & 0xffff);
        assertEquals(0x8000, TensorDtype.floatToHalf(-0f) & 0xffff);
    }

    @Test
    void halfDecodesEveryBitPatternByDefinition() {
        for (int bits = 0; bits < 1 << 16; bits++) {
            int exponent = (bits >>> 10) & 0x1f;
            int mantissa = bits & 0x3ff;
            double sign = (bits & 0x8000) != 0 ? -1 : 1;
            float decoded = TensorDtype.halfToFloat((short) bits);
            if (exponent == 0x1f) {
                assertEquals(mantissa == 0, Float.isInfinite(decoded), "bits " + Integer.toHexString(bits));
                assertEquals(mantissa != 0, Float.isNaN(decoded), "bits " + Integer.toHexString(bits));
                continue;
            }
            double expected = exponent == 0
                    ? sign * mantissa * Math.scalb(1.0, -24)
                    : sign * (1 + mantissa / 1024.0) * Math.scalb(1.0, exponent - 15);
            assertEquals(expected, decoded, 0.0, "bits " + Integer.toHexString(bits));
            assertEquals(bits, TensorDtype.floatToHalf(decoded) & 0xffff, "round trip of " + Integer.toHexString(bits));
        }
    }

    @Test
    void halfRoundsToNearestEven() {
        Random random = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            float value = (float) (random.nextGaussian() * Math.scalb(1.0, random.nextInt(36) - 28));
            float rounded = TensorDtype.halfToFloat(TensorDtype.floatToHalf(value));
            assertEquals(PrecisionRounding.toHalf(value), rounded, 0f, "value " + value);
        }
    }

    @Test
    void bfloat16EncodesKnownBitPatterns() {
        assertEquals(0x3f80, TensorDtype.floatToBfloat16(1f) & 0xffff);
        assertEquals(0xc000, TensorDtype.floatToBfloat16(-2f) & 0xffff);
        assertEquals(0x3f80, TensorDtype.floatToBfloat16(1 + 0x1p-8f) & 0xffff, "tie rounds down to even");
        assertEquals(0x3f82, TensorDtype.floatToBfloat16(1 + 3 * 0x1p-8f) & 0xffff, "tie rounds up to even");
        assertEquals(0x4049, TensorDtype.floatToBfloat16((float) Math.PI) & 0xffff);
        assertEquals(3.140625f, TensorDtype.bfloat16ToFloat((short) 0x4049));
        assertTrue(Float.isNaN(TensorDtype.bfloat16ToFloat(TensorDtype.floatToBfloat16(Float.NaN))));
    }

    @Test
    void bfloat16RoundsToNearestEven() {
        Random random = new Random(11);
        for (int i = 0; i < 200_000; i++) {
            float value = (float) (random.nextGaussian() * Math.scalb(1.0, random.nextInt(60) - 30));
            float rounded = TensorDtype.bfloat16ToFloat(TensorDtype.floatToBfloat16(value));
            assertEquals(PrecisionRounding.toBfloat16(value), rounded, 0f, "value " + value);
        }
    }
}
