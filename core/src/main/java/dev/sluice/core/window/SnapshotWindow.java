package dev.sluice.core.window;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** A whole snapshot, taken at one instant: the only kind of window of a pipeline with {@code cursor: none}. */
public record SnapshotWindow(Instant takenAt) implements Window {
    public SnapshotWindow {
        requireNonNull(takenAt, "takenAt is null");
    }

    @Override
    public CursorKind cursor() {
        return CursorKind.NONE;
    }

    @Override
    public String startText() {
        return takenAt.toString();
    }

    @Override
    public String endText() {
        return takenAt.toString();
    }

    @Override
    public long startKey() {
        return TimeWindow.micros(takenAt);
    }

    @Override
    public long endKey() {
        return TimeWindow.micros(takenAt);
    }

    @Override
    public String fileName() {
        return "snapshot_" + new TimeWindow(takenAt, takenAt.plusNanos(1)).fileName().split("_")[0];
    }

    @Override
    public String toString() {
        return "snapshot@" + takenAt;
    }
}
