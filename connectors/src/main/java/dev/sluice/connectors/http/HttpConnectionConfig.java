package dev.sluice.connectors.http;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One entry under a pipeline's {@code connections:}, bound and validated.
 *
 * @param headers sent with every request, in file order
 * @param rateLimit empty for no limit
 * @param circuitBreaker empty when written {@code circuit_breaker: off}
 * @param allowOrigins other origins (scheme, host, port) whose absolute URLs may be followed
 * @param caFile an extra trusted CA certificate (PEM), read when the connection opens
 */
record HttpConnectionConfig(URI baseUrl, Map<String, String> headers, Auth auth, Timeouts timeouts, RetryPolicy retry,
                            Optional<Rate> rateLimit, int concurrency, Optional<Breaker> circuitBreaker, ByteSize maxBody,
                            List<URI> allowOrigins, Optional<Path> caFile) {
    static final int DEFAULT_CONCURRENCY = 8;
    static final ByteSize DEFAULT_MAX_BODY = new ByteSize(64L << 20);

    HttpConnectionConfig {
        requireNonNull(baseUrl, "baseUrl is null");
        if (!baseUrl.isAbsolute() || !Set.of("http", "https").contains(baseUrl.getScheme().toLowerCase(Locale.ROOT)) || baseUrl.getHost() == null)
            throw new IllegalArgumentException("base_url must be an http or https URL, was " + baseUrl);
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        requireNonNull(auth, "auth is null");
        requireNonNull(timeouts, "timeouts is null");
        requireNonNull(retry, "retry is null");
        requireNonNull(rateLimit, "rateLimit is null");
        if (concurrency < 1)
            throw new IllegalArgumentException("concurrency must be at least 1, was " + concurrency);
        requireNonNull(circuitBreaker, "circuitBreaker is null");
        requireNonNull(maxBody, "maxBody is null");
        allowOrigins = List.copyOf(allowOrigins);
        requireNonNull(caFile, "caFile is null");
    }

    /** A connection to {@code baseUrl} with every other setting at its default. */
    static HttpConnectionConfig defaults(URI baseUrl) {
        return new HttpConnectionConfig(baseUrl, Map.of(), new Auth.None(), Timeouts.DEFAULT, RetryPolicy.DEFAULT, Optional.empty(),
                DEFAULT_CONCURRENCY, Optional.of(Breaker.DEFAULT), DEFAULT_MAX_BODY, List.of(), Optional.empty());
    }

    /**
     * @param read the longest wait for the response headers, and between two parts of the body
     * @param total the longest one attempt may take, body included
     */
    record Timeouts(Duration connect, Duration read, Duration total) {
        static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(2));

        Timeouts {
            positive(connect, "connect");
            positive(read, "read");
            positive(total, "total");
        }
    }

    /**
     * @param maxAttempts attempts in all, the first included; 1 means no retry
     * @param jitter the randomization factor of each backoff, at least 0 and below 1
     * @param maxRetryAfter a server that asks for a longer wait fails the call at once
     * @param onStatus the statuses retried; I/O errors and timeouts always are
     */
    record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double multiplier, double jitter,
                       Duration maxRetryAfter, Set<Integer> onStatus) {
        static final Set<Integer> DEFAULT_STATUSES = Set.of(429, 500, 502, 503, 504);
        static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofMillis(500), Duration.ofSeconds(30), 2, 0.5,
                Duration.ofMinutes(2), DEFAULT_STATUSES);

        RetryPolicy {
            if (maxAttempts < 1)
                throw new IllegalArgumentException("max_attempts must be at least 1, was " + maxAttempts);
            positive(initialBackoff, "initial_backoff");
            positive(maxBackoff, "max_backoff");
            if (!(multiplier >= 1))
                throw new IllegalArgumentException("multiplier must be at least 1, was " + multiplier);
            if (!(jitter >= 0 && jitter < 1))
                throw new IllegalArgumentException("jitter must be at least 0 and below 1, was " + jitter);
            positive(maxRetryAfter, "max_retry_after");
            onStatus = Set.copyOf(onStatus);
        }
    }

    /** A count-based circuit breaker: opens when {@code failureRate} percent of the last {@code minimumCalls} attempts failed. */
    record Breaker(int failureRate, int minimumCalls, Duration openFor) {
        static final Breaker DEFAULT = new Breaker(50, 20, Duration.ofSeconds(30));

        Breaker {
            if (failureRate < 1 || failureRate > 100)
                throw new IllegalArgumentException("failure_rate must be between 1 and 100, was " + failureRate);
            if (minimumCalls < 1)
                throw new IllegalArgumentException("minimum_calls must be at least 1, was " + minimumCalls);
            positive(openFor, "open_for");
        }
    }

    /** Header values may hold credentials (an X-Api-Token set by hand), so only the names are shown. */
    @Override
    public String toString() {
        return "HttpConnectionConfig[baseUrl=" + baseUrl + ", headers=" + headers.keySet() + ", auth=" + auth + ", timeouts=" + timeouts
                + ", retry=" + retry + ", rateLimit=" + rateLimit + ", concurrency=" + concurrency + ", circuitBreaker=" + circuitBreaker
                + ", maxBody=" + maxBody + ", allowOrigins=" + allowOrigins + ", caFile=" + caFile + "]";
    }

    private static void positive(Duration d, String key) {
        requireNonNull(d, key + " is null");
        if (d.isNegative() || d.isZero())
            throw new IllegalArgumentException(key + " must be > 0, was " + show(d));
    }

    /** A duration as a pipeline file would write it: 30s, 500ms, 2m, 1h30m. */
    static String show(Duration d) {
        if (d.toNanos() % 1_000_000 != 0 && d.compareTo(Duration.ofSeconds(1)) < 0)
            return d.toNanos() / 1000 + "µs";
        if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.toMillis() % 1000 != 0)
            return d.toMillis() + "ms";
        long s = d.toSeconds();
        var out = new StringBuilder();
        if (s >= 3600) out.append(s / 3600).append('h');
        if (s % 3600 >= 60) out.append(s % 3600 / 60).append('m');
        if (s % 60 != 0 || out.isEmpty()) out.append(s % 60).append('s');
        return out.toString();
    }
}
