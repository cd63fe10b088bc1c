package dev.sluice.testkit.demo;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How to start a {@link DemoApi}. Start from {@link #defaults()} and change what a test needs with the withers.
 *
 * @param port TCP port on 127.0.0.1; 0 picks any free port
 * @param seed makes the data set; the same options give byte-identical records
 * @param start instant of the first record
 * @param spacing time between two consecutive records
 * @param count number of records; record {@code i} (0-based) exists at {@code start + i * spacing}
 * @param auth credentials required on data endpoints
 * @param rateLimit requests per second allowed by a token bucket; 0 means no limit
 * @param latency delay added before answering every request
 * @param maxPageSize largest page a client may ask for; larger sizes are capped, not refused
 * @param tokenLifetime lifetime of OAuth2 access tokens, announced as {@code expires_in}
 * @param audience the OAuth2 {@code audience} a token request must name, if any
 * @param clock source of time for token expiry, the rate limit and {@code Retry-After} dates; a test clock makes them testable without sleeping
 * @param profile which API the server pretends to be; with {@link Profile#MASTERCONTROL}, {@code count} is the number
 *     of production records and {@code start}/{@code spacing} place their modification times (see {@link MasterControlData})
 */
public record DemoApiOptions(
        int port, long seed, Instant start, Duration spacing, long count, AuthMode auth, int rateLimit,
        Duration latency, int maxPageSize, Duration tokenLifetime, Optional<String> audience, Clock clock, Profile profile) {

    public DemoApiOptions {
        requireNonNull(start, "start is null");
        requireNonNull(spacing, "spacing is null");
        requireNonNull(auth, "auth is null");
        requireNonNull(latency, "latency is null");
        requireNonNull(tokenLifetime, "tokenLifetime is null");
        requireNonNull(audience, "audience is null");
        requireNonNull(clock, "clock is null");
        requireNonNull(profile, "profile is null");
        if (port < 0 || port > 65535)
            throw new IllegalArgumentException("port must be 0 (any free port) to 65535, got " + port);
        if (spacing.isNegative() || spacing.isZero())
            throw new IllegalArgumentException("spacing must be > 0, e.g. 1m, got " + spacing);
        if (count < 0)
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        // DemoData works in nanoseconds since start; the whole range must fit in a long.
        if (Long.MAX_VALUE / spacing.toNanos() < count)
            throw new IllegalArgumentException("count x spacing must be less than 292 years, got " + count + " x " + spacing);
        if (rateLimit < 0)
            throw new IllegalArgumentException("rateLimit must be >= 0 (0 = no limit), got " + rateLimit);
        if (latency.isNegative())
            throw new IllegalArgumentException("latency must be >= 0, got " + latency);
        if (maxPageSize < 1)
            throw new IllegalArgumentException("maxPageSize must be >= 1, got " + maxPageSize);
        if (tokenLifetime.toSeconds() < 1)
            throw new IllegalArgumentException("tokenLifetime must be at least 1s, got " + tokenLifetime);
    }

    /** Port 0, seed 1, 100,000 records a minute apart from 2025-01-01T00:00:00Z, no auth, no limit, no latency. */
    public static DemoApiOptions defaults() {
        return new DemoApiOptions(0, 1, Instant.parse("2025-01-01T00:00:00Z"), Duration.ofMinutes(1), 100_000,
                AuthMode.NONE, 0, Duration.ZERO, 1000, Duration.ofHours(1), Optional.empty(), Clock.systemUTC(), Profile.DEMO);
    }

    /** The {@link #defaults()} as a MasterControl system with the seed's 60,000 production records. */
    public static DemoApiOptions masterControl() {
        return defaults().withProfile(Profile.MASTERCONTROL).withCount(MasterControlData.DEFAULT_RECORDS);
    }

    /** The instant just after the last record: every record is before it. */
    public Instant end() {
        return start.plusNanos(spacing.toNanos() * count);
    }

    public DemoApiOptions withPort(int port) {
        return new DemoApiOptions(port, seed, start, spacing, count, auth, rateLimit, latency, maxPageSize, tokenLifetime, audience, clock, profile);
    }

    public DemoApiOptions withSeed(long seed) {
        return new DemoApiOptions(port, seed, start, spacing, count, auth, rateLimit, latency, maxPageSize, tokenLifetime, audience, clock, profile);
    }

    public DemoApiOptions withStart(Instant start) {
        return new DemoApiOptions(port, seed, start, spacing, count, auth, rateLimit, latency, maxPageSize, tokenLifetime, audience, clock, profile);
    }

    public DemoApiOptions withSpacing(Duration spacing) {
        return new DemoApiOptions(port, seed, start, spacing, count, auth, rateLimit, latency, maxPageSize, tokenLifetime, audience, clock, profile);
    }

    public DemoApiOptions withCount(long count) {
        return new DemoApiOptions(port, seed, start, spacing, count, auth, rateLimit, latency, maxPageSize, tokenLifetime, audience, clock, profile);
    }

    public DemoApiOptions withAuth(AuthMode auth) {
        return new DemoApiOptions(port, seed, start, spacing, count, auth, rateLimit, latency, maxPageSize, tokenLifetime, audience, clock, profile);
    }

    public DemoApiOptions withRateLimit(int rateLimit) {
        return new DemoApiOptions(port, seed, start, spacing, count, auth, rateLimit, latency, maxPageSize, tokenLifetime, audience, clock, profile);
    }

    public DemoApiOptions withLatency(Duration latency) {
        return new DemoApiOptions(port, seed, start, spacing, count, auth, rateLimit, latency, maxPageSize, tokenLifetime, audience, clock, profile);
    }

    public DemoApiOptions withMaxPageSize(int maxPageSize) {
        return new DemoApiOptions(port, seed, start, spacing, count, auth, rateLimit, latency, maxPageSize, tokenLifetime, audience, clock, profile);
    }

    public DemoApiOptions withTokenLifetime(Duration tokenLifetime) {
        return new DemoApiOptions(port, seed, start, spacing, count, auth, rateLimit, latency, maxPageSize, tokenLifetime, audience, clock, profile);
    }

    public DemoApiOptions withAudience(String audience) {
        return new DemoApiOptions(port, seed, start, spacing, count, auth, rateLimit, latency, maxPageSize, tokenLifetime,
                Optional.of(requireNonNull(audience, "audience is null")), clock, profile);
    }

    public DemoApiOptions withClock(Clock clock) {
        return new DemoApiOptions(port, seed, start, spacing, count, auth, rateLimit, latency, maxPageSize, tokenLifetime, audience, clock, profile);
    }

    public DemoApiOptions withProfile(Profile profile) {
        return new DemoApiOptions(port, seed, start, spacing, count, auth, rateLimit, latency, maxPageSize, tokenLifetime, audience, clock, profile);
    }
}
