package dev.sluice.connectors.http;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** The running counts behind {@link HttpStats}; safe to update from many threads. */
final class Counters {
    final LongAdder calls = new LongAdder();
    final LongAdder attempts = new LongAdder();
    final LongAdder retries = new LongAdder();
    final LongAdder declaredEmpty = new LongAdder();
    final LongAdder tokenFetches = new LongAdder();
    final LongAdder logins = new LongAdder();
    private final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    void response(int status) {
        byStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
    }

    void started() {
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    }

    void ended() {
        inFlight.decrementAndGet();
    }

    HttpStats snapshot(HttpStats.Circuit circuit) {
        var statuses = new TreeMap<Integer, Long>();
        byStatus.forEach((s, n) -> statuses.put(s, n.sum()));
        return new HttpStats(calls.sum(), attempts.sum(), retries.sum(), statuses, statuses.getOrDefault(429, 0L), declaredEmpty.sum(),
                circuit, tokenFetches.sum(), logins.sum(), maxInFlight.get());
    }
}
