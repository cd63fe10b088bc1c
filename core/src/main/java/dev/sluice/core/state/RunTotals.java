package dev.sluice.core.state;

import static java.util.Objects.requireNonNull;

/** What a run did: windows that succeeded and failed, and the records they moved. */
public record RunTotals(long windowsSucceeded, long windowsFailed, Counts counts) {
    public static final RunTotals ZERO = new RunTotals(0, 0, Counts.ZERO);

    public RunTotals {
        requireNonNull(counts, "counts is null");
    }
}
