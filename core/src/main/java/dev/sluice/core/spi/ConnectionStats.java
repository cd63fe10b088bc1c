package dev.sluice.core.spi;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one connection has done since it was bound, for metrics: a snapshot whose counters only grow.
 *
 * @param connection the connection's name in the pipeline file
 * @param calls requests asked for by the pipeline
 * @param retries requests sent again because an earlier attempt failed
 * @param responsesByStatus responses received, by status code (0 for none: a timeout or a refused connection)
 * @param circuit the circuit breaker's state: {@code closed}, {@code open}, {@code half_open} or {@code disabled}
 */
public record ConnectionStats(String connection, long calls, long retries, Map<Integer, Long> responsesByStatus, String circuit) {
    public ConnectionStats {
        requireNonNull(connection, "connection is null");
        responsesByStatus = Collections.unmodifiableMap(new TreeMap<>(requireNonNull(responsesByStatus, "responsesByStatus is null")));
        requireNonNull(circuit, "circuit is null");
    }
}
