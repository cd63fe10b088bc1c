package dev.sluice.core.state;

import dev.sluice.core.PipelineId;
import dev.sluice.core.window.CursorKind;
import dev.sluice.core.window.Window;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The books of every pipeline: watermark, window ledger, runs, errors, key status and the lease.
 * Changes that belong together happen in one transaction. Implementations are safe for use from
 * several threads. Failures are {@link dev.sluice.core.SluiceException}s with a {@code STATE_*} code.
 */
public interface StateStore extends AutoCloseable {
    /** Where the state lives, for messages (never with a password). */
    String describe();

    /**
     * Takes the lease of a pipeline for {@code ttl}. Refused with {@code STATE_LEASE_HELD} while another
     * live holder has it; a lease whose holder is known to be dead, or that has expired, is taken over.
     */
    Lease acquireLease(PipelineId pipeline, String holder, Duration ttl);

    /** Extends a lease this process holds; {@code STATE_LEASE_HELD} if it was lost meanwhile. */
    Lease renewLease(Lease lease, Duration ttl);

    void releaseLease(Lease lease);

    /** The pipeline's lease if a run holds it now (not expired), for status displays. */
    Optional<LeaseHolder> leaseHolder(PipelineId pipeline);

    Optional<Position> watermark(PipelineId pipeline, CursorKind cursor);

    RunRecord startRun(PipelineId pipeline, RunKind kind, String details);

    void finishRun(long runId, RunStatus status, RunTotals totals, Optional<String> errorId);

    /** The newest runs first. */
    List<RunRecord> runs(PipelineId pipeline, int limit);

    /**
     * Puts a window on the books as running: a new entry with attempt 1, or the existing entry of the
     * same window and kind with its attempt increased.
     */
    LedgerEntry markRunning(PipelineId pipeline, long runId, Window window, boolean backfill);

    /**
     * Marks a window succeeded and, in the same transaction, moves the watermark to
     * {@code newWatermark} when one is given. The watermark never moves backwards.
     */
    LedgerEntry markSucceeded(LedgerEntry entry, Counts counts, Optional<Position> newWatermark);

    /** Marks a window failed and records its error, in one transaction. */
    LedgerEntry markFailed(LedgerEntry entry, Counts counts, ErrorRecord error);

    /**
     * The incremental (not backfill) entries that are not discarded and start at or after
     * {@code from}, in window order: what lies beyond the watermark.
     */
    List<LedgerEntry> entriesFrom(PipelineId pipeline, CursorKind cursor, Position from);

    /** Ledger entries, newest window first, optionally only of one status. */
    List<LedgerEntry> ledger(PipelineId pipeline, CursorKind cursor, Optional<WindowStatus> status, int limit);

    Map<WindowStatus, Long> windowCounts(PipelineId pipeline);

    void recordError(ErrorRecord error);

    Optional<ErrorRecord> error(String errorId);

    void putKeyStatus(KeyStatus status);

    /**
     * Records the outcome of keys processed by one window attempt, in one transaction: each key's
     * {@code attempts} becomes its earlier count plus one (the given {@code attempts} is ignored).
     */
    void recordKeyOutcomes(List<KeyStatus> statuses);

    List<KeyStatus> keyStatuses(PipelineId pipeline, Optional<KeyStatus.KeyOutcome> outcome);

    /**
     * Moves the watermark back to {@code to} (or removes it when empty, to start from the configured
     * start), and discards the incremental ledger entries that end after it, in one transaction.
     * Returns how many entries were discarded.
     */
    long reset(PipelineId pipeline, CursorKind cursor, Optional<Position> to);

    @Override
    void close();
}
