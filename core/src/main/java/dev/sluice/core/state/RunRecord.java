package dev.sluice.core.state;

import static java.util.Objects.requireNonNull;

import dev.sluice.core.PipelineId;
import java.time.Instant;
import java.util.Optional;

/** One run of a pipeline: the audit trail, numbered per pipeline by {@code sequence}. */
public record RunRecord(
        long runId,
        PipelineId pipeline,
        long sequence,
        RunKind kind,
        RunStatus status,
        Instant startedAt,
        Optional<Instant> finishedAt,
        RunTotals totals,
        Optional<String> errorId,
        String details) {
    public RunRecord {
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(status, "status is null");
        requireNonNull(startedAt, "startedAt is null");
        requireNonNull(finishedAt, "finishedAt is null");
        requireNonNull(totals, "totals is null");
        requireNonNull(errorId, "errorId is null");
        requireNonNull(details, "details is null");
    }
}
