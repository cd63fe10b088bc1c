package dev.sluice.core.window;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The {@code windows:} section of a pipeline, bound and validated. For a time cursor {@code start} and
 * {@code end} are instants, for an id cursor ids; exactly one of {@code start} and {@code targetDayBack}
 * is set for a time cursor. {@code partial} false: a window that {@code now - lag} would cut short is not
 * planned until it is whole, so windows keep the grid of {@code size} and {@code align} (a cut by
 * {@code end}, a target day's end or an alignment boundary still happens, as those never move).
 */
public record WindowSettings(
        CursorKind cursor,
        Optional<Instant> startTime,
        Optional<Instant> endTime,
        OptionalLong startId,
        OptionalLong endId,
        Optional<Span> targetDayBack,
        Optional<Span> size,
        OptionalLong idSize,
        Duration lag,
        ZoneId zone,
        Align align,
        OptionalInt maxWindows,
        boolean partial) {

    public WindowSettings {
        requireNonNull(cursor, "cursor is null");
        requireNonNull(startTime, "startTime is null");
        requireNonNull(endTime, "endTime is null");
        requireNonNull(startId, "startId is null");
        requireNonNull(endId, "endId is null");
        requireNonNull(targetDayBack, "targetDayBack is null");
        requireNonNull(size, "size is null");
        requireNonNull(idSize, "idSize is null");
        requireNonNull(lag, "lag is null");
        requireNonNull(zone, "zone is null");
        requireNonNull(align, "align is null");
        requireNonNull(maxWindows, "maxWindows is null");
        if (lag.isNegative())
            throw new IllegalArgumentException("lag must not be negative");
        if (size.isPresent() && size.get().isZero())
            throw new IllegalArgumentException("size must be more than zero, e.g. 1h");
        if (idSize.isPresent() && idSize.getAsLong() < 1)
            throw new IllegalArgumentException("size of an id window must be at least 1");
        if (maxWindows.isPresent() && maxWindows.getAsInt() < 1)
            throw new IllegalArgumentException("max_windows must be at least 1");
        if (cursor == CursorKind.TIME && startTime.isEmpty() && targetDayBack.isEmpty())
            throw new IllegalArgumentException("a time cursor needs start or target_day");
        if (cursor == CursorKind.ID && (startId.isEmpty() || endId.isEmpty()))
            throw new IllegalArgumentException("an id cursor needs start and end");
    }

    /** A time cursor from {@code start}, in UTC, with no size: the simplest settings, for tests and tools. */
    public static WindowSettings time(Instant start, Optional<Span> size) {
        return new WindowSettings(CursorKind.TIME, Optional.of(start), Optional.empty(), OptionalLong.empty(), OptionalLong.empty(),
                Optional.empty(), size, OptionalLong.empty(), Duration.ZERO, ZoneId.of("UTC"), Align.NONE, OptionalInt.empty(), true);
    }

    public WindowSettings withMaxWindows(OptionalInt newMax) {
        return new WindowSettings(cursor, startTime, endTime, startId, endId, targetDayBack, size, idSize, lag, zone, align, newMax, partial);
    }

    /** The same cutting (size, alignment, lag, zone) over {@code [from, to)}, with no target day and no window limit: a backfill's plan. */
    public WindowSettings forTimeRange(Instant from, Instant to) {
        return new WindowSettings(cursor, Optional.of(from), Optional.of(to), startId, endId, Optional.empty(), size, idSize, lag, zone, align,
                OptionalInt.empty(), partial);
    }

    /** The same cutting over ids {@code [from, to)}, with no window limit: a backfill's plan. */
    public WindowSettings forIdRange(long from, long to) {
        return new WindowSettings(cursor, startTime, endTime, OptionalLong.of(from), OptionalLong.of(to), Optional.empty(), size, idSize, lag,
                zone, align, OptionalInt.empty(), partial);
    }

    public WindowSettings withTargetDay(Span back) {
        return new WindowSettings(cursor, Optional.empty(), Optional.empty(), startId, endId, Optional.of(back), size, idSize, lag, zone, align, maxWindows, partial);
    }
}
