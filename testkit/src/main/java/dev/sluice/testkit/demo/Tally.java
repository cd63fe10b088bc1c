package dev.sluice.testkit.demo;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** The live counters behind {@link DemoStats}; safe to update from any number of request threads. */
final class Tally {
    private final LongAdder requests = new LongAdder();
    private final Map<String, LongAdder> byPath = new ConcurrentHashMap<>();
    private final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    final LongAdder tokensIssued = new LongAdder();
    final LongAdder sessionsIssued = new LongAdder();

    void begin(String path) {
        requests.increment();
        byPath.computeIfAbsent(path, p -> new LongAdder()).increment();
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    }

    void end() {
        inFlight.decrementAndGet();
    }

    void answered(int status) {
        byStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
    }

    DemoStats snapshot() {
        var paths = new HashMap<String, Long>();
        byPath.forEach((p, n) -> paths.put(p, n.sum()));
        var statuses = new HashMap<Integer, Long>();
        byStatus.forEach((s, n) -> statuses.put(s, n.sum()));
        return new DemoStats(requests.sum(), paths, statuses, statuses.getOrDefault(429, 0L), maxInFlight.get(),
                tokensIssued.sum(), sessionsIssued.sum());
    }
}
