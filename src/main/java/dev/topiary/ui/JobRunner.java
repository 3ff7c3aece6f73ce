package dev.topiary.ui;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javafx.concurrent.Task;
import javafx.concurrent.WorkerStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs long work off the FX thread, one job after another on a single worker thread, and logs every failure.
 *
 * <p>One worker is enough because every job ends up waiting for the single engine thread anyway. A job whose
 * task was cancelled may still be finishing its current engine call (the engine cannot stop a load half way), so
 * later jobs queue behind it instead of running beside it. The queue is bounded so that a stuck engine shows up
 * as a rejected job instead of a growing backlog.
 */
public final class JobRunner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
    private static final int MAX_QUEUED_JOBS = 8;

    private final ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(MAX_QUEUED_JOBS), runnable -> {
                Thread thread = new Thread(runnable, "topiary-jobs");
                thread.setDaemon(true);
                return thread;
            });

    /**
     * Queues a task. Its failure is logged with the task's title: a failure the user can fix as a warning with
     * the message, anything else as an error with the stack trace.
     *
     * @throws RejectedExecutionException when {@value #MAX_QUEUED_JOBS} jobs are already waiting
     */
    public void submit(Task<?> task) {
        task.addEventHandler(WorkerStateEvent.WORKER_STATE_FAILED, event -> logFailure(task));
        executor.execute(task);
    }

    /** Queues housekeeping that has no result to show, such as freeing a model; failures are logged. */
    public void submit(String title, Runnable work) {
        executor.execute(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                log.error("{} failed", title, e);
            }
        });
    }

    private static void logFailure(Task<?> task) {
        Throwable error = task.getException();
        if (UserError.isExpected(error)) {
            log.warn("{} failed: {}", task.getTitle(), error.getMessage());
        } else {
            log.error("{} failed", task.getTitle(), error);
        }
    }

    /**
     * Stops taking jobs. Jobs already queued still run, without blocking the caller, unless the process exits
     * first: the worker is a daemon thread so that a long load cannot keep the closed window's process alive.
     */
    @Override
    public void close() {
        executor.shutdown();
    }
}
