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
 * CUDA when PyTorch detects a GPU and CPU otherwise, unless a request ({@link #get(String, String)}, or the
 * {@code topiary.device} system property) requests {@code cpu} or {@code gpu}. One process uses one device, chosen
 * when the engine starts. The dtype is chosen per model ({@link ComputeDtype}); {@link #dataType()} is the default.
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

    private TensorEngine(String deviceRequest, String origin) {
        OfflineMode.enable();
        thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread t = new Thread(runnable, "topiary-engine");
            t.setDaemon(true);
            return t;
        });
        try {
            thread.submit(() -> start(deviceRequest, origin)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("Interrupted while starting the PyTorch engine", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof EngineException invalidRequest) {
                throw invalidRequest;
            }
            throw new EngineException("The PyTorch engine failed to start: " + e.getCause().getMessage()
                    + ". Check that the PyTorch native jar for this platform is on the classpath.", e.getCause());
        }
    }

    /**
     * Returns the process-wide engine, starting it on first use on the device the {@code topiary.device} system
     * property requests, or on the GPU when there is one.
     */
    public static TensorEngine get() {
        return get(null, null);
    }

    /**
     * Returns the process-wide engine, starting it on first use on the requested device.
     *
     * @param deviceRequest auto, cpu or gpu; null falls back to the {@code topiary.device} system property
     * @param origin where the request was written, such as "--device", for messages
     * @throws EngineException when the request is invalid, or when the engine already runs on another device
     */
    public static TensorEngine get(String deviceRequest, String origin) {
        TensorEngine engine = shared;
        if (engine == null) {
            synchronized (TensorEngine.class) {
                engine = shared;
                if (engine == null) {
                    engine = new TensorEngine(deviceRequest, origin);
                    shared = engine;
                    return engine;
                }
            }
        }
        engine.checkRunsOn(deviceRequest, origin);
        return engine;
    }

    /** Rejects a device request that the running engine does not meet, since a process keeps its first device. */
    private void checkRunsOn(String deviceRequest, String origin) {
        if (deviceRequest == null) {
            return;
        }
        String request = normalise(deviceRequest, origin);
        boolean met = request.equals("auto") || (request.equals("cpu") ? !device.isGpu() : device.isGpu());
        if (!met) {
            throw new EngineException(origin + " requests device " + request + ", but this process already runs its "
                    + "models on " + describe(device) + " and cannot switch. Run the command again in a new process, "
                    + "or remove the device setting.");
        }
    }

    private void start(String deviceRequest, String origin) {
        long started = System.nanoTime();
        engineThread = Thread.currentThread();
        Engine engine = Engine.getEngine("PyTorch");
        JniUtils.setGradMode(false);
        device = deviceRequest == null
                ? chooseDevice(engine, System.getProperty("topiary.device", "auto"), "-Dtopiary.device")
                : chooseDevice(engine, deviceRequest, origin);
        rootManager = NDManager.newBaseManager(device);
        log.info("Tensor engine {} {} started on {} in {} ms", engine.getEngineName(), engine.getVersion(),
                describe(device), (System.nanoTime() - started) / 1_000_000);
    }

    private static Device chooseDevice(Engine engine, String deviceRequest, String origin) {
        String request = normalise(deviceRequest, origin);
        int gpus = engine.getGpuCount();
        switch (request) {
            case "cpu":
                return Device.cpu();
            case "gpu":
                if (gpus == 0) {
                    throw new EngineException(origin + " requests device gpu but PyTorch sees no GPU. "
                            + "Build with -Pcuda on a machine with an NVIDIA driver, or request device cpu.");
                }
                return Device.gpu();
            default:
                return gpus > 0 ? Device.gpu() : Device.cpu();
        }
    }

    /**
     * Returns a device request as auto, cpu or gpu ({@code cuda} means gpu).
     *
     * @throws EngineException naming the value and its origin when it is none of these
     */
    public static String normalise(String deviceRequest, String origin) {
        String request = deviceRequest.strip().toLowerCase(Locale.ROOT);
        switch (request) {
            case "auto":
            case "cpu":
            case "gpu":
                return request;
            case "cuda":
                return "gpu";
            default:
                throw new EngineException("Invalid device '" + deviceRequest + "' in " + origin
                        + ": use auto, cpu or gpu.");
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

    /**
     * Returns the dtype a model gets on this engine's device when no command-line option, window choice or
     * models.cfg entry requests one: the {@value ComputeDtype#PROPERTY} system property, or float16 on a GPU and
     * float32 on the CPU.
     */
    public DataType dataType() {
        return ComputeDtype.fromSystemProperty().resolve(device);
    }

    /** Returns the dtype a request means on this engine's device. */
    public DataType dataType(ComputeDtype request) {
        return request.resolve(device);
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
