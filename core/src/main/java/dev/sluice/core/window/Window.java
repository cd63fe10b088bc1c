package dev.sluice.core.window;

import java.io.Serializable;
import java.time.Instant;

/**
 * A unit of work: a half-open range {@code [start, end)} of a cursor. Windows are plain serializable
 * values so that they can be planned on one machine and run on another.
 *
 * <p>{@link #startKey()} and {@link #endKey()} are longs that order windows of one cursor kind
 * (epoch microseconds for time, the id itself for ids); the state store sorts and compares by them.
 */
public sealed interface Window extends Serializable permits TimeWindow, IdWindow, SnapshotWindow {
    CursorKind cursor();

    /** The start as text: ISO-8601 UTC with {@code Z} for time, decimal for ids. */
    String startText();

    String endText();

    long startKey();

    long endKey();

    /** A name for the window that is safe in a file name and sorts in window order. */
    String fileName();

    /** Rebuilds a window from the text form that the state store keeps. */
    static Window parse(CursorKind kind, String start, String end) {
        return switch (kind) {
            case TIME -> new TimeWindow(Instant.parse(start), Instant.parse(end));
            case ID -> new IdWindow(Long.parseLong(start), Long.parseLong(end));
            case NONE -> new SnapshotWindow(Instant.parse(start));
        };
    }
}
