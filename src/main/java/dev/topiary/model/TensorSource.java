package dev.topiary.model;

import java.nio.file.Path;
import java.util.Set;

/**
 * The tensors of a checkpoint on the host, under Hugging Face names and in Hugging Face layout, read on
 * demand so that a model is never held twice in Java memory while it is copied to the device.
 */
public interface TensorSource extends AutoCloseable {

    /** Returns every tensor name the checkpoint holds. */
    Set<String> names();

    /** Returns a tensor's shape, outermost dimension first. */
    long[] shape(String name);

    /** Returns the file a tensor is stored in, for error messages. */
    Path fileOf(String name);

    /** Returns the storage dtype of a tensor as written in the file, such as "F32" or "BF16". */
    String dtypeOf(String name);

    /** Reads a tensor as float32, row-major. */
    float[] read(String name) throws ModelFormatException;

    @Override
    void close();
}
