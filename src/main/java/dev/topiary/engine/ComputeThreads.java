package dev.topiary.engine;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses PyTorch's intra-op thread count for each piece of CPU work by its size.
 *
 * <p>Small operations gain nothing from a second thread and pay for the hand-off on every operation, so a
 * forward pass of a tiny model, or one decode step whose matrix-vector products are bound by memory bandwidth,
 * runs on one thread. Large batched matmuls (prefill, capture and training of large models) use every core. On a
 * machine whose cores other processes share, each parallel operation also waits for the slowest thread, which
 * made some steps of a tiny model 50 times slower with two threads than with one.
 *
 * <p>Setting {@code topiary.threads} (a positive count) or DJL's {@code ai.djl.pytorch.num_threads} fixes the count
 * and turns the choice off. The count belongs to the calling thread in PyTorch's OpenMP build, so call this on the
 * engine thread.
 */
public final class ComputeThreads {

    /** Property that fixes the intra-op thread count. */
    public static final String PROPERTY = "topiary.threads";

    /**
     * FLOPs of one piece of work from which every core is used. A decode step of a 110M-parameter model (about
     * 0.2 GFLOP of matrix-vector products) stays on one thread, a 42-token prefill of it (9 GFLOP) does not.
     */
    static final double PARALLEL_FLOPS = 1e9;

    private static final Logger log = LoggerFactory.getLogger(ComputeThreads.class);
    private static final int MAX_THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());
    private static final int FIXED = fixedCount();

    private ComputeThreads() {}

    /** Returns the count set by a property, or 0 when Topiary chooses it. */
    private static int fixedCount() {
        for (String property : new String[] {PROPERTY, "ai.djl.pytorch.num_threads"}) {
            String value = System.getProperty(property);
            if (value == null || value.isBlank()) {
                continue;
            }
            try {
                int threads = Integer.parseInt(value.trim());
                if (threads > 0) {
                    return threads;
                }
            } catch (NumberFormatException e) {
                // Reported below like a count below 1.
            }
            throw new EngineException("Invalid " + property + " value '" + value
                    + "': use a positive number of threads, or leave it unset to choose by work size.");
        }
        return 0;
    }

    /** Returns whether a property fixes the thread count. */
    public static boolean isFixed() {
        return FIXED > 0;
    }

    /** Returns the thread count for work of {@code flops} floating-point operations on the CPU. */
    public static int choose(double flops) {
        return choose(flops, FIXED, MAX_THREADS);
    }

    /** Returns {@code fixed} when positive, else one thread below {@link #PARALLEL_FLOPS} and all from there. */
    static int choose(double flops, int fixed, int maxThreads) {
        if (fixed > 0) {
            return fixed;
        }
        return flops < PARALLEL_FLOPS ? 1 : maxThreads;
    }

    /** Sets the thread count for work of {@code flops} FLOPs about to run on {@code device}; GPUs are left alone. */
    public static void forWork(Device device, double flops) {
        if (device.isGpu()) {
            return;
        }
        set(choose(flops));
    }

    /** Sets the count PyTorch would use on an idle machine, for measurements of the machine's limits. */
    public static void useAll() {
        set(FIXED > 0 ? FIXED : MAX_THREADS);
    }

    private static void set(int threads) {
        if (JniUtils.getNumThreads() != threads) {
            JniUtils.setNumThreads(threads);
            log.debug("PyTorch intra-op threads set to {}", threads);
        }
    }
}
