package dev.topiary.ui;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import javafx.application.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes a value for the latest of a stream of requests on the {@link JobRunner}, such as the histogram of the
 * neuron the user clicked last. At most one computation is queued at a time, so clicking through many neurons
 * while a long job runs cannot fill the job queue; a newer request replaces the queued one and makes a running
 * one stop at its next check. Only the result of the latest request is delivered, on the FX thread.
 *
 * @param <R> the request; each call of {@link #request} is a new request, even for an equal value
 * @param <V> the computed value
 */
final class LatestRequestLoader<R, V> {

    /** The computation, run on the job worker. */
    @FunctionalInterface
    interface Work<R, V> {
        V compute(R request, BooleanSupplier superseded) throws Exception;
    }

    private static final Logger log = LoggerFactory.getLogger(LatestRequestLoader.class);

    private final JobRunner jobs;
    private final String title;
    private final Work<R, V> work;
    private final BiConsumer<R, V> onResult;
    private final BiConsumer<R, Throwable> onFailure;
    private final AtomicReference<R> pending = new AtomicReference<>();
    private final AtomicBoolean queued = new AtomicBoolean();
    /** The request whose result is wanted, or null after {@link #cancel}; compared by identity. */
    private volatile R latest;

    /**
     * @param onResult receives the result of the latest request, on the FX thread
     * @param onFailure receives the failure of the latest request, on the FX thread
     */
    LatestRequestLoader(JobRunner jobs, String title, Work<R, V> work, BiConsumer<R, V> onResult,
            BiConsumer<R, Throwable> onFailure) {
        this.jobs = jobs;
        this.title = title;
        this.work = work;
        this.onResult = onResult;
        this.onFailure = onFailure;
    }

    /** Asks for a value; call on the FX thread. */
    void request(R request) {
        latest = request;
        pending.set(request);
        if (queued.compareAndSet(false, true)) {
            try {
                jobs.submit(title, this::runPending);
            } catch (RejectedExecutionException e) {
                queued.set(false);
                log.error("{} was rejected because earlier jobs are still queued", title, e);
                onFailure.accept(request, e);
            }
        }
    }

    /** Drops the pending request and stops a running one; no result is delivered until the next request. */
    void cancel() {
        latest = null;
        pending.set(null);
    }

    private void runPending() {
        queued.set(false);
        R request = pending.getAndSet(null);
        if (request == null) {
            return;
        }
        try {
            V value = work.compute(request, () -> latest != request);
            Platform.runLater(() -> {
                if (latest == request) {
                    onResult.accept(request, value);
                }
            });
        } catch (Exception e) {
            log.error("{} failed for {}", title, request, e);
            Platform.runLater(() -> {
                if (latest == request) {
                    onFailure.accept(request, e);
                }
            });
        }
    }
}
