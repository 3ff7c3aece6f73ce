package dev.topiary.model.safetensors;

/**
 * Rounds floats to the nearest value that F16 or BF16 can store, from the formats' definitions (significand
 * width and smallest exponent) rather than from bit manipulation, so it is independent of {@link TensorDtype}.
 * Both round half to even through {@link Math#rint}. Values beyond the largest finite F16 (65504) are not
 * handled.
 */
public final class PrecisionRounding {

    private PrecisionRounding() {}

    /** Rounds to IEEE half precision: 11 significant bits, subnormal below 2^-14 with a step of 2^-24. */
    public static float toHalf(float value) {
        int exponent = Math.max(Math.getExponent(value), -14);
        double step = Math.scalb(1.0, exponent - 10);
        return (float) (Math.rint(value / step) * step);
    }

    /** Rounds to bfloat16: 8 significant bits with float32's exponent range. */
    public static float toBfloat16(float value) {
        int exponent = Math.max(Math.getExponent(value), -126);
        double step = Math.scalb(1.0, exponent - 7);
        return (float) (Math.rint(value / step) * step);
    }
}
