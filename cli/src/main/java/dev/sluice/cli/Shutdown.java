package dev.sluice.cli;

import dev.sluice.core.runner.StopSignal;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns SIGINT and SIGTERM into a clean stop: the hook asks the run to stop and waits for it to leave
 * the books consistent (windows in flight discarded and marked for retry, the lease released).
 */
final class Shutdown {
    private static final AtomicBoolean IN_PROGRESS = new AtomicBoolean();

    private Shutdown() {
    }

    static boolean inProgress() {
        return IN_PROGRESS.get();
    }

    /** Notes that the JVM is shutting down, so that {@link Main#main} does not call System.exit from it. */
    static void begin() {
        IN_PROGRESS.set(true);
    }

    /** Runs {@code body} so that a signal stops it cleanly. */
    static <T> T guard(StopSignal stop, java.util.function.Supplier<T> body) {
        var finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            IN_PROGRESS.set(true);
            stop.request();
            try {
                if (!finished.await(60, TimeUnit.SECONDS))
                    System.err.println("sluice: the run did not stop within 60 s; exiting anyway (the next run retries unfinished windows)");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sluice-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return body.get();
        } finally {
            finished.countDown();
            if (!IN_PROGRESS.get()) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException ignored) {
                    // shutdown began meanwhile
                }
            }
        }
    }
}
