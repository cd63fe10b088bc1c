package dev.sluice.connectors.generate;

import static java.util.Objects.requireNonNull;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import dev.sluice.core.spi.DataRecord;
import dev.sluice.core.spi.Page;
import dev.sluice.core.spi.Source;
import dev.sluice.core.spi.SourceContext;
import dev.sluice.core.window.IdWindow;
import dev.sluice.core.window.SnapshotWindow;
import dev.sluice.core.window.TimeWindow;
import dev.sluice.core.window.Window;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Optional;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Makes up records, for demos, benchmarks and crash tests. Every record is a function of one number
 * {@code k} alone, so the records of a range never depend on how the range was cut into windows:
 *
 * <ul>
 *   <li>time window {@code [start, end)}: one record for each instant {@code t = k * every} since the
 *       epoch with {@code start <= t < end};
 *   <li>id window {@code [start, end)}: one record for each id {@code k} in it, at {@code k * every};
 *   <li>snapshot: {@code count} records, {@code k = 0 .. count-1}, at {@code k * every}.
 * </ul>
 *
 * <p>A record is {@code {"id": k, "ts": "<k * every as ISO-8601 UTC>", "value": 0..9999, "name":
 * "item-k", "even": true|false, "field_4": .., ...}} with as many payload fields as {@code fields}.
 * {@link Page#next()} is the {@code k} of the next record, in decimal.
 *
 * <p>Holds no state between calls: windows may be read on several threads at once.
 */
public final class GenerateSource implements Source {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Waits between records; a seam so that tests can count pauses instead of sleeping. */
    @FunctionalInterface
    interface Pause {
        void pause(Duration d) throws InterruptedException;
    }

    private final GenerateSourceConfig config;
    private final Pause pause;

    public GenerateSource(GenerateSourceConfig config) {
        this(config, Thread::sleep);
    }

    GenerateSource(GenerateSourceConfig config, Pause pause) {
        this.config = requireNonNull(config, "config is null");
        this.pause = requireNonNull(pause, "pause is null");
    }

    public GenerateSourceConfig config() {
        return config;
    }

    @Override
    public void open(SourceContext context) {
        // Nothing to connect to.
    }

    @Override
    public Page read(Window window, Optional<String> after) {
        requireNonNull(window, "window is null");
        requireNonNull(after, "after is null");
        Range range = range(window);
        long from = after.map(a -> position(a, range, window)).orElse(range.first());
        long left = range.end() - from; // negative only when it overflowed: more than any page
        long to = left >= 0 && left <= config.pageSize() ? range.end() : from + config.pageSize();
        var records = new ArrayList<DataRecord>((int) (to - from));
        for (long k = from; k < to; k++) {
            pauseBeforeRecord(window);
            records.add(record(k));
        }
        return to < range.end() ? Page.more(records, Long.toString(to)) : Page.last(records);
    }

    @Override
    public void close() {
        // Nothing to release.
    }

    /** The record number {@code k}: the same whatever window it is read in. */
    DataRecord record(long k) {
        ObjectNode node = NODES.objectNode();
        node.put("id", k);
        node.put("ts", instantOf(k).toString());
        for (int i = 0; i < config.fields(); i++) {
            switch (i) {
                case 0 -> node.put("value", Math.floorMod(mix(k), 10_000));
                case 1 -> node.put("name", "item-" + k);
                case 2 -> node.put("even", k % 2 == 0);
                default -> node.put("field_" + (i + 1), Math.floorMod(mix(k * 1_000_003L + i), 10_000));
            }
        }
        return new DataRecord(node);
    }

    /** The half-open range {@code [first, end)} of record numbers in a window. */
    Range range(Window window) {
        long every = config.everyMillis();
        return switch (window) {
            // k * every >= start  <=>  k >= ceil(ceilMillis(start) / every), as k * every is whole milliseconds;
            // k * every < end     <=>  k * every < ceilMillis(end), for the same reason.
            case TimeWindow w -> new Range(Math.ceilDiv(ceilMillis(w.start()), every), Math.ceilDiv(ceilMillis(w.end()), every));
            case IdWindow w -> new Range(w.start(), w.end());
            case SnapshotWindow w -> new Range(0, config.count());
        };
    }

    private Instant instantOf(long k) {
        try {
            return Instant.ofEpochMilli(Math.multiplyExact(k, config.everyMillis()));
        } catch (ArithmeticException e) {
            throw new SluiceException(ErrorCode.SOURCE_INVALID_DATA, "generate source: record " + k + " would be at "
                    + k + " x " + config.every() + " after the epoch, which is beyond the range of time; use smaller ids or a "
                    + "shorter 'every'");
        }
    }

    private void pauseBeforeRecord(Window window) {
        if (config.pausePerRecord().isZero())
            return;
        try {
            pause.pause(config.pausePerRecord());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceException(ErrorCode.RUN_INTERRUPTED, "generate source: interrupted while reading window " + window
                    + "; the window was not finished and will be read again by the next run", e);
        }
    }

    private static long position(String after, Range range, Window window) {
        long k;
        try {
            k = Long.parseLong(after);
        } catch (NumberFormatException e) {
            throw badPosition(after, window, "it is not a record number");
        }
        if (k < range.first() || k > range.end())
            throw badPosition(after, window, "it is outside the window's records " + range.first() + ".." + (range.end() - 1)
                    + " (was 'every' changed since it was saved?)");
        return k;
    }

    private static SluiceException badPosition(String after, Window window, String why) {
        return new SluiceException(ErrorCode.INTERNAL, "generate source: cannot resume window " + window + " after position '"
                + after + "': " + why + "; read the window again from its start");
    }

    /** Milliseconds since the epoch, rounded up. */
    private static long ceilMillis(Instant t) {
        try {
            long floor = Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1000L), t.getNano() / 1_000_000);
            return t.getNano() % 1_000_000 == 0 ? floor : Math.addExact(floor, 1);
        } catch (ArithmeticException e) {
            throw new SluiceException(ErrorCode.SOURCE_INVALID_DATA, "generate source: " + t
                    + " is too far from 1970 to count in milliseconds; use windows within 290 million years of it");
        }
    }

    /** A fixed pseudo-random function of {@code k} (SplitMix64's finaliser). */
    private static long mix(long k) {
        long z = k + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Record numbers {@code [first, end)}; empty when {@code first >= end}. */
    record Range(long first, long end) {
        Range {
            if (end < first)
                throw new IllegalArgumentException("range end " + end + " is below its first " + first);
        }
    }
}
