package dev.sluice.core.state;

import dev.sluice.core.PipelineId;
import dev.sluice.core.window.CursorKind;
import dev.sluice.core.window.Window;
import java.time.Duration;
import java.time.Instant;
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

    /** The newest runs first, at most {@code limit}. */
    default List<RunRecord> runs(PipelineId pipeline, int limit) {
        return runs(pipeline, limit, Optional.empty());
    }

    /**
     * The pipeline's runs numbered below {@code beforeSequence} (all when empty), newest first, at most
     * {@code limit}: to page back through the history, pass the {@link RunRecord#sequence} of the last run
     * of the previous page. The newest run, {@code runs(pipeline, 1)}, is the last run of the pipeline.
     */
    List<RunRecord> runs(PipelineId pipeline, int limit, Optional<Long> beforeSequence);

    /** The run with id {@code runId} if it is a run of {@code pipeline} and on the books. */
    Optional<RunRecord> run(PipelineId pipeline, long runId);

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

    /** Ledger entries, newest window first, optionally only of one status, backfill included. */
    default List<LedgerEntry> ledger(PipelineId pipeline, CursorKind cursor, Optional<WindowStatus> status, int limit) {
        return ledger(pipeline, cursor, new LedgerFilter(status, Optional.empty(), Optional.empty(), true, limit));
    }

    /**
     * The ledger entries of {@code pipeline} that {@code filter} lets through, newest window first (the
     * latest start first; of entries with the same start, the one put on the books last first). Only
     * entries of {@code cursor} are listed; the positions of the filter must be of that cursor (instants
     * for time and snapshot pipelines). The range is on window starts: an entry that starts before
     * {@code to} is listed even if it ends after it.
     */
    List<LedgerEntry> ledger(PipelineId pipeline, CursorKind cursor, LedgerFilter filter);

    Map<WindowStatus, Long> windowCounts(PipelineId pipeline);

    void recordError(ErrorRecord error);

    Optional<ErrorRecord> error(String errorId);

    /** The errors recorded during run {@code runId} (windows, keys, the run itself), oldest first; empty for an unknown run. */
    List<ErrorRecord> errorsOfRun(long runId);

    void putKeyStatus(KeyStatus status);

    /**
     * Records the outcome of keys processed by one window attempt, in one transaction: each key's
     * {@code attempts} becomes its earlier count plus one (the given {@code attempts} is ignored).
     */
    void recordKeyOutcomes(List<KeyStatus> statuses);

    /** Every key status of the pipeline, optionally only of one outcome, in key order. */
    default List<KeyStatus> keyStatuses(PipelineId pipeline, Optional<KeyStatus.KeyOutcome> outcome) {
        return keyStatuses(pipeline, outcome, Integer.MAX_VALUE);
    }

    /** The key statuses of the pipeline, optionally only of one outcome, in key order, at most {@code limit}. */
    List<KeyStatus> keyStatuses(PipelineId pipeline, Optional<KeyStatus.KeyOutcome> outcome, int limit);

    /** How many keys of the pipeline succeeded and failed, and which request of each step answered them. */
    KeyTally keyTally(PipelineId pipeline);

    /** The switch set by hand for the pipeline, if one is set. */
    Optional<PipelineSwitch> pipelineSwitch(PipelineId pipeline);

    /** Sets the pipeline's switch, replacing the one it had. */
    void setPipelineSwitch(PipelineSwitch pipelineSwitch);

    /** Removes the pipeline's switch, if it has one: its file decides again. */
    void clearPipelineSwitch(PipelineId pipeline);

    /**
     * Moves the watermark back to {@code to} (or removes it when empty, to start from the configured
     * start), and discards the incremental ledger entries that end after it, in one transaction.
     * Returns how many entries were discarded.
     */
    long reset(PipelineId pipeline, CursorKind cursor, Optional<Position> to);

    /**
     * Deletes the pipeline's history that is older than {@code before}, in one transaction, and returns
     * what it deleted. The books keep what proves coverage and what is current state:
     * <ul>
     * <li>the window ledger is kept, except entries with status {@code discarded} whose last attempt
     *     finished (or, if it never finished, started) before {@code before}; the newest entry on the
     *     books (of any pipeline) is always kept, so that entry ids are never reused;
     * <li>a run is deleted when it finished before {@code before} and no ledger entry that is kept refers
     *     to it (most runs of a pipeline that runs often find nothing to do: those are the history to
     *     trim). A run that has not finished is never deleted, nor is the pipeline's latest run (the next
     *     run is numbered after it);
     * <li>the errors of a deleted run are deleted with it, and so is an error recorded outside a run that
     *     is older than {@code before}; but an error that a kept ledger entry, a key status or a kept run
     *     of the pipeline names is kept (with no run, if its run was deleted). The errors of a kept run are
     *     kept;
     * <li>key statuses, the watermark, the lease and the pipeline's switch are never touched.
     * </ul>
     * Times are compared to the microsecond; what happened exactly at {@code before} is kept. Cleanup does
     * not need the lease: it deletes nothing a run in progress could still change.
     */
    BooksCleanup cleanup(PipelineId pipeline, Instant before);

    /** What {@link #cleanup} would delete now, deleting nothing. */
    BooksCleanup cleanupPreview(PipelineId pipeline, Instant before);

    @Override
    void close();
}
