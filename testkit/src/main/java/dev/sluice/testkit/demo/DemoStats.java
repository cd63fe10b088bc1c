package dev.sluice.testkit.demo;

import java.util.Map;

/**
 * A snapshot of what the demo API has served since it started.
 *
 * @param requests every request received, whatever its answer
 * @param requestsByPath requests per path, with an id or lot in the path written {@code {id}} or {@code {lot}}
 * @param responsesByStatus responses per HTTP status; a connection dropped by a fault has no status
 * @param tooManyRequests 429 answers, from the rate limit or from faults
 * @param maxInFlight the most requests that were being answered at the same moment
 * @param tokensIssued OAuth2 access tokens granted by {@code POST /oauth/token}
 * @param sessionsIssued session cookies granted by {@code POST /login}
 */
public record DemoStats(long requests, Map<String, Long> requestsByPath, Map<Integer, Long> responsesByStatus,
        long tooManyRequests, int maxInFlight, long tokensIssued, long sessionsIssued) {

    public DemoStats {
        requestsByPath = Map.copyOf(requestsByPath);
        responsesByStatus = Map.copyOf(responsesByStatus);
    }

    public long requests(String path) {
        return requestsByPath.getOrDefault(path, 0L);
    }

    public long responses(int status) {
        return responsesByStatus.getOrDefault(status, 0L);
    }
}
