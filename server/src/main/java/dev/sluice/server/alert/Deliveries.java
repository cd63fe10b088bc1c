package dev.sluice.server.alert;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends messages in the background: one lane per channel, one message at a time on a virtual thread, so
 * that a channel sees an incident's messages in order and a slow mail server does not hold up the
 * webhook. A failed delivery is retried with a doubling backoff and then logged; it is never thrown.
 */
final class Deliveries implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Deliveries.class);
    static final int QUEUE_LIMIT = 1000;

    /**
     * @param attempts in all, the first included
     * @param backoff before the second attempt; it doubles before each next one
     */
    record Retry(int attempts, Duration backoff) {
        static final Retry DEFAULT = new Retry(4, Duration.ofSeconds(2));

        Retry {
            if (attempts < 1)
                throw new IllegalArgumentException("attempts must be at least 1, was " + attempts);
            requireNonNull(backoff, "backoff is null");
        }
    }

    private record Lane(Channel channel, ThreadPoolExecutor executor) {
    }

    private final List<Lane> lanes = new ArrayList<>();
    private final Retry retry;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private int pending;

    Deliveries(List<Channel> channels, Retry retry) {
        this.retry = requireNonNull(retry, "retry is null");
        for (Channel c : channels)
            lanes.add(new Lane(c, new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(QUEUE_LIMIT),
                    Thread.ofVirtual().name("sluice-alert-" + lanes.size()).factory())));
    }

    /** Queues the message on every channel; returns at once. */
    void submit(AlertMessage m) {
        for (Lane lane : lanes) {
            changePending(1);
            try {
                lane.executor().execute(() -> {
                    try {
                        deliver(lane.channel(), m);
                    } finally {
                        changePending(-1);
                    }
                });
            } catch (RejectedExecutionException e) {
                changePending(-1);
                log.atError().addKeyValue("incident", m.incident().id()).addKeyValue("channel", lane.channel().describe())
                        .log(lane.executor().isShutdown() ? "alert not sent: the alerter is closed"
                                : "alert not sent: " + QUEUE_LIMIT + " messages are already waiting for this channel");
            }
        }
    }

    /** Whether every queued message was delivered or given up within {@code timeout}. */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (pending > 0) {
                if (nanos <= 0)
                    return false;
                nanos = idle.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Sends what is queued within {@code timeout}, then stops; what is left is logged as not sent. */
    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    void close(Duration timeout) {
        lanes.forEach(l -> l.executor().shutdown());
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Lane lane : lanes) {
            try {
                if (!lane.executor().awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS))
                    stop(lane);
            } catch (InterruptedException e) {
                stop(lane);
                Thread.currentThread().interrupt();
            }
            lane.channel().close();
        }
    }

    /** Interrupts the delivery in progress, drops the queued ones, and gives the lane's thread a second to end. */
    private void stop(Lane lane) {
        int dropped = lane.executor().shutdownNow().size();
        changePending(-dropped);
        log.atError().addKeyValue("channel", lane.channel().describe()).addKeyValue("dropped", dropped)
                .log("alerts not sent: the service stopped before they were delivered");
        try {
            lane.executor().awaitTermination(1, TimeUnit.SECONDS); // the interrupted delivery logs its own end
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void deliver(Channel channel, AlertMessage m) {
        Duration backoff = retry.backoff();
        for (int attempt = 1; ; attempt++) {
            try {
                channel.deliver(m);
                log.atInfo().addKeyValue("incident", m.incident().id()).addKeyValue("pipeline", m.incident().pipeline())
                        .addKeyValue("channel", channel.describe()).addKeyValue("attempt", attempt).log("alert sent: " + m.subject());
                return;
            } catch (DeliveryFailure f) {
                if (!f.retryable() || attempt >= retry.attempts()) {
                    log.atError().addKeyValue("incident", m.incident().id()).addKeyValue("pipeline", m.incident().pipeline())
                            .addKeyValue("channel", channel.describe()).addKeyValue("attempt", attempt)
                            .log("alert not delivered" + (f.retryable() ? " after " + attempt + " attempts" : "") + ": " + f.getMessage());
                    return;
                }
                log.atWarn().addKeyValue("incident", m.incident().id()).addKeyValue("channel", channel.describe())
                        .addKeyValue("attempt", attempt).log("alert delivery failed, retrying in " + AlertMessage.show(backoff) + ": " + f.getMessage());
            } catch (RuntimeException e) { // a bug, not the receiver: do not retry, and do not lose the lane
                log.atError().addKeyValue("incident", m.incident().id()).addKeyValue("channel", channel.describe())
                        .log("alert not delivered: " + e.getClass().getSimpleName());
                return;
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                log.atError().addKeyValue("incident", m.incident().id()).addKeyValue("channel", channel.describe())
                        .log("alert not delivered: the service stopped while it was being sent");
                return;
            }
            backoff = backoff.multipliedBy(2);
        }
    }

    private void changePending(int delta) {
        lock.lock();
        try {
            pending += delta;
            if (pending <= 0)
                idle.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
