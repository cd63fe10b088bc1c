package dev.sluice.connectors.http;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a connection has done since it was bound: a snapshot.
 *
 * @param calls {@link HttpConnection#send} calls
 * @param attempts HTTP requests sent for those calls, retries and repeats after a new token included
 * @param retries attempts made because an earlier one failed
 * @param responsesByStatus every response received, by status
 * @param throttled responses with status 429
 * @param declaredEmpty answers whose status the call declared empty
 * @param tokenFetches OAuth2 tokens fetched
 * @param logins cookie logins made
 * @param maxInFlight the most requests that were in flight at once
 */
public record HttpStats(long calls, long attempts, long retries, Map<Integer, Long> responsesByStatus, long throttled,
                        long declaredEmpty, Circuit circuit, long tokenFetches, long logins, int maxInFlight) {
    public enum Circuit { CLOSED, OPEN, HALF_OPEN, DISABLED }

    public HttpStats {
        responsesByStatus = Collections.unmodifiableMap(new TreeMap<>(requireNonNull(responsesByStatus, "responsesByStatus is null")));
        requireNonNull(circuit, "circuit is null");
    }

    public long responses(int status) {
        return responsesByStatus.getOrDefault(status, 0L);
    }
}
