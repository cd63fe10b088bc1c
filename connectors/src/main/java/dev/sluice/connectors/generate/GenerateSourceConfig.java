package dev.sluice.connectors.generate;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Settings of the {@code generate} source.
 *
 * @param every time between two generated records: record {@code k} is at {@code k * every} since the
 *     epoch; whole milliseconds, more than zero
 * @param pausePerRecord how long to sleep before each record, to make a window slow enough to kill
 *     in the middle (crash tests); zero for none
 * @param pageSize the most records in one page
 * @param fields how many payload fields each record has besides {@code id} and {@code ts}
 * @param count how many records a snapshot ({@code cursor: none}) has
 */
public record GenerateSourceConfig(Duration every, Duration pausePerRecord, int pageSize, int fields, long count) {
    public static final Duration DEFAULT_EVERY = Duration.ofMinutes(1);
    public static final int DEFAULT_PAGE_SIZE = 1000;
    public static final int DEFAULT_FIELDS = 3;
    public static final long DEFAULT_COUNT = 10;
    public static final int MAX_FIELDS = 1000;

    public GenerateSourceConfig {
        requireNonNull(every, "every is null");
        requireNonNull(pausePerRecord, "pausePerRecord is null");
        if (every.isNegative() || every.isZero())
            throw new IllegalArgumentException("every must be more than zero, e.g. every: 1m");
        if (every.getNano() % 1_000_000 != 0)
            throw new IllegalArgumentException("every must be whole milliseconds, e.g. every: 1500ms; was " + every);
        if (pausePerRecord.isNegative())
            throw new IllegalArgumentException("pause_per_record must not be negative");
        if (pageSize < 1)
            throw new IllegalArgumentException("page_size must be at least 1, was " + pageSize);
        if (fields < 0 || fields > MAX_FIELDS)
            throw new IllegalArgumentException("fields must be between 0 and " + MAX_FIELDS + ", was " + fields);
        if (count < 0)
            throw new IllegalArgumentException("count must not be negative, was " + count);
    }

    /** The defaults: a record a minute, no pause, pages of 1000, 3 payload fields, snapshots of 10. */
    public static GenerateSourceConfig defaults() {
        return new GenerateSourceConfig(DEFAULT_EVERY, Duration.ZERO, DEFAULT_PAGE_SIZE, DEFAULT_FIELDS, DEFAULT_COUNT);
    }

    /** {@link #every} in milliseconds. */
    public long everyMillis() {
        return every.toMillis();
    }
}
