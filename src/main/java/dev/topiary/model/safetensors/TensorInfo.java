package dev.topiary.model.safetensors;

import java.util.Arrays;

/**
 * One tensor entry of a safetensors header.
 *
 * @param name the tensor name, for example {@code model.norm.weight}
 * @param dtype the element type in the file
 * @param shape the dimensions, outermost first
 * @param begin the first byte of the data, relative to the start of the data region
 * @param end one past the last byte
 */
public record TensorInfo(String name, TensorDtype dtype, long[] shape, long begin, long end) {

    /** Returns the number of elements. */
    public long elementCount() {
        long count = 1;
        for (long dimension : shape) {
            count *= dimension;
        }
        return count;
    }

    /** Formats the shape as {@code [512, 64]}. */
    public String shapeText() {
        return Arrays.toString(shape);
    }
}
