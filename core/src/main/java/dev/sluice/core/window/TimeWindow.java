package dev.sluice.core.window;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** A half-open time range {@code [start, end)}. */
public record TimeWindow(Instant start, Instant end) implements Window {
    private static final DateTimeFormatter FILE = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

    public TimeWindow {
        requireNonNull(start, "start is null");
        requireNonNull(end, "end is null");
        if (!start.isBefore(end))
            throw new IllegalArgumentException("window start " + start + " must be before end " + end);
    }

    public Duration length() {
        return Duration.between(start, end);
    }

    public boolean contains(Instant t) {
        return !t.isBefore(start) && t.isBefore(end);
    }

    @Override
    public CursorKind cursor() {
        return CursorKind.TIME;
    }

    @Override
    public String startText() {
        return start.toString();
    }

    @Override
    public String endText() {
        return end.toString();
    }

    @Override
    public long startKey() {
        return micros(start);
    }

    @Override
    public long endKey() {
        return micros(end);
    }

    @Override
    public String fileName() {
        return stamp(start) + "_" + stamp(end);
    }

    static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
    }

    private static String stamp(Instant t) {
        String base = FILE.format(t);
        int nanos = t.getNano();
        return nanos == 0 ? base + "Z" : base + "." + String.format("%09d", nanos) + "Z";
    }

    @Override
    public String toString() {
        return "[" + start + ", " + end + ")";
    }
}
