package dev.topiary.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single thread that owns the PyTorch engine, the device choice and the root {@link NDManager}.
 *
 * <p>Callers hand work to {@link #submit} or {@link #call} and get plain Java values back. The device is
 * CUDA when PyTorch detects a GPU and CPU otherwise, unless {@code topiary.device} is {@code cpu} or
 * {@code gpu}. Weights are always held in float32 here: DJL's PyTorch engine cannot hold BF16 arrays,
 * and F16 matmuls are slow on CPU.
 */
public final class TensorEngine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TensorEngine.class);
    private static volatile TensorEngine shared;

    private final ExecutorService thread;
    private Thread engineThread;
    private Device device;
    private NDManager rootManager;

    /** Work that runs on the engine thread with the engine's root manager. */
    @FunctionalInterface
    public interface EngineTask<T> {
        T run(NDManager manager) throws Exception;
    }

    private TensorEngine() {
        OfflineMode.enable();
        thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread t = new Thread(runnable, "topiary-engine");
            t.setDaemon(true);
            return t;
        });
        try {
            thread.submit(this::start).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("Interrupted while starting the PyTorch engine", e);
        } catch (ExecutionException e) {
            throw new EngineException("The PyTorch engine failed to start: " + e.getCause().getMessage()
                    + ". Check that the PyTorch native jar for this platform is on the classpath.", e.getCause());
        }
    }

    /** Returns the process-wide engine, starting it on first use. */
    public static TensorEngine get() {
        TensorEngine engine = shared;
        if (engine == null) {
            synchronized (TensorEngine.class) {
                engine = shared;
                if (engine == null) {
                    engine = new TensorEngine();
                    shared = engine;
                }
            }
        }
        return engine;
    }

    private void start() {
        long started = System.nanoTime();
        engineThread = Thread.currentThread();
        Engine engine = Engine.getEngine("PyTorch");
        JniUtils.setGradMode(false);
        device = chooseDevice(engine);
        rootManager = NDManager.newBaseManager(device);
        log.info("Tensor engine {} {} started on {} with dtype {} in {} ms", engine.getEngineName(),
                engine.getVersion(), describe(device), dataType(), (System.nanoTime() - started) / 1_000_000);
    }

    private static Device chooseDevice(Engine engine) {
        String requested = System.getProperty("topiary.device", "auto").toLowerCase(Locale.ROOT);
        int gpus = engine.getGpuCount();
        switch (requested) {
            case "cpu":
                return Device.cpu();
            case "gpu":
            case "cuda":
                if (gpus == 0) {
                    throw new EngineException("topiary.device=" + requested + " but PyTorch sees no GPU. "
                            + "Build with -Pcuda on a machine with an NVIDIA driver, or use topiary.device=cpu.");
                }
                return Device.gpu();
            case "auto":
                return gpus > 0 ? Device.gpu() : Device.cpu();
            default:
                throw new EngineException("Invalid topiary.device value '" + requested + "': use auto, cpu or gpu.");
        }
    }

    private static String describe(Device device) {
        return device.isGpu() ? "CUDA GPU " + device.getDeviceId() : "CPU";
    }

    /** Returns the device every model array lives on. */
    public Device device() {
        return device;
    }

    /** Returns a human-readable device name such as "CPU" or "CUDA GPU 0". */
    public String deviceName() {
        return describe(device);
    }

    /**
     * Returns the bytes free for new tensors on the engine's device: the GPU's free memory as CUDA reports it,
     * or the host's available memory for the CPU.
     */
    public long freeDeviceBytes() {
        if (device.isGpu()) {
            java.lang.management.MemoryUsage usage = ai.djl.util.cuda.CudaUtils.getGpuMemory(device);
            return usage.getMax() - usage.getCommitted();
        }
        return DeviceMemory.freeHostBytes();
    }

    /** Returns the data type the engine computes in. */
    public DataType dataType() {
        return DataType.FLOAT32;
    }

    /** Runs work on the engine thread and returns its future. */
    public <T> Future<T> submit(EngineTask<T> task) {
        if (Thread.currentThread() == engineThread) {
            CompletableFuture<T> done = new CompletableFuture<>();
            try {
                done.complete(task.run(rootManager));
            } catch (Exception e) {
                done.completeExceptionally(e);
            }
            return done;
        }
        return thread.submit(() -> task.run(rootManager));
    }

    /**
     * Runs work on the engine thread and waits for it. Checked exceptions thrown by the work are rethrown
     * unchanged when they are of the declared type, so a loader's domain error reaches the caller intact.
     */
    public <T, E extends Exception> T call(EngineTask<T> task, Class<E> declared) throws E {
        try {
            return submit(task).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("Interrupted while waiting for the tensor engine", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (declared.isInstance(cause)) {
                throw declared.cast(cause);
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new EngineException(cause.getMessage(), cause);
        }
    }

    /** Runs work that throws no checked exception on the engine thread and waits for it. */
    public <T> T call(EngineTask<T> task) {
        return call(task, RuntimeException.class);
    }

    /** Returns whether the caller is the engine thread. */
    public boolean isEngineThread() {
        return Thread.currentThread() == engineThread;
    }

    @Override
    public void close() {
        thread.submit(() -> rootManager.close());
        thread.shutdown();
    }
}
