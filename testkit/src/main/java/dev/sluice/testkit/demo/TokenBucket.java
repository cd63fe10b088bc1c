package dev.sluice.testkit.demo;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Refills {@code rate} tokens a second up to {@code max(1, rate / 10)}, starting full; each request takes one.
 * Counts in billionths of a token so that a client exactly {@code 1/rate} apart is never short by a rounding error.
 */
final class TokenBucket {
    private static final long TOKEN = 1_000_000_000L;
    private final long rate;
    private final long capacity;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private long units;
    private Instant last;

    TokenBucket(int rate, Clock clock) {
        this.rate = rate;
        this.capacity = Math.max(TOKEN, rate * (TOKEN / 10));
        this.clock = clock;
        this.units = capacity;
        this.last = clock.instant();
    }

    boolean tryTake() {
        lock.lock();
        try {
            Instant now = clock.instant();
            if (now.isAfter(last)) {
                // A full refill takes capacity / rate ns at most, so clamping first keeps the product in a long.
                Duration since = Duration.between(last, now);
                long elapsed = since.compareTo(Duration.ofNanos(capacity)) > 0 ? capacity : since.toNanos();
                units = Math.min(capacity, units + elapsed * rate);
                last = now;
            }
            if (units < TOKEN)
                return false;
            units -= TOKEN;
            return true;
        } finally {
            lock.unlock();
        }
    }
}
