package dev.sluice.core.state;

import static java.util.Objects.requireNonNull;

import dev.sluice.core.window.CursorKind;
import dev.sluice.core.window.Window;
import java.time.Instant;

/**
 * A point on a cursor, such as a watermark: its text (ISO-8601 UTC for time, decimal for ids) and a
 * long that orders points of one cursor kind (epoch microseconds, or the id).
 */
public record Position(CursorKind cursor, String text, long key) {
    public Position {
        requireNonNull(cursor, "cursor is null");
        requireNonNull(text, "text is null");
    }

    public static Position endOf(Window window) {
        return new Position(window.cursor(), window.endText(), window.endKey());
    }

    public static Position startOf(Window window) {
        return new Position(window.cursor(), window.startText(), window.startKey());
    }

    public static Position ofInstant(Instant t) {
        return new Position(CursorKind.TIME, t.toString(), Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000));
    }

    public static Position ofId(long id) {
        return new Position(CursorKind.ID, Long.toString(id), id);
    }

    /** Parses the text form of a position of the given cursor kind. */
    public static Position parse(CursorKind cursor, String text) {
        return switch (cursor) {
            case TIME, NONE -> {
                var p = ofInstant(Instant.parse(text));
                yield new Position(cursor, p.text(), p.key());
            }
            case ID -> ofId(Long.parseLong(text.trim()));
        };
    }

    public Instant instant() {
        if (cursor == CursorKind.ID)
            throw new IllegalStateException("an id position has no instant: " + text);
        return Instant.parse(text);
    }

    public long id() {
        if (cursor != CursorKind.ID)
            throw new IllegalStateException("a time position has no id: " + text);
        return key;
    }

    @Override
    public String toString() {
        return text;
    }
}
