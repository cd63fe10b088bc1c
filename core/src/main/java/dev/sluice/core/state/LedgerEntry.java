package dev.sluice.core.state;

import static java.util.Objects.requireNonNull;

import dev.sluice.core.PipelineId;
import dev.sluice.core.window.Window;
import java.time.Instant;
import java.util.Optional;

/** One window on the books: the latest attempt at it. */
public record LedgerEntry(
        long id,
        PipelineId pipeline,
        Window window,
        boolean backfill,
        WindowStatus status,
        int attempt,
        Counts counts,
        long runId,
        Optional<String> errorId,
        Instant startedAt,
        Optional<Instant> finishedAt) {
    public LedgerEntry {
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(window, "window is null");
        requireNonNull(status, "status is null");
        requireNonNull(counts, "counts is null");
        requireNonNull(errorId, "errorId is null");
        requireNonNull(startedAt, "startedAt is null");
        requireNonNull(finishedAt, "finishedAt is null");
        if (attempt < 1)
            throw new IllegalArgumentException("attempt must be >= 1, was " + attempt);
    }
}
