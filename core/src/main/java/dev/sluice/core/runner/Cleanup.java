package dev.sluice.core.runner;

import static java.util.Objects.requireNonNull;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.PipelineId;
import dev.sluice.core.SluiceException;
import dev.sluice.core.config.PipelineConfig;
import dev.sluice.core.config.PipelineConfig.PipelineStep;
import dev.sluice.core.spi.StepContext;
import dev.sluice.core.state.BooksCleanup;
import dev.sluice.core.state.Lease;
import dev.sluice.core.state.StateStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Housekeeping of a pipeline: deletes from its books the history older than a given instant
 * ({@link StateStore#cleanup}, which keeps the ledger as proof of coverage) and has each step purge what
 * it keeps that is as old ({@link dev.sluice.core.spi.Step#purge}, the validate step's dead letters).
 * {@code sluice cleanup} runs it once; {@code sluice serve} on a schedule.
 *
 * <p>{@link #run} holds the pipeline's lease while it deletes, so that no run of the pipeline goes on
 * anywhere meanwhile: a step's purge must not race a window committing its dead letters. While a run holds
 * the lease, cleanup is refused with {@code STATE_LEASE_HELD} and deletes nothing (try again later); a run
 * that starts during a cleanup is refused the same way. {@link #preview} takes no lease and deletes nothing.
 */
public final class Cleanup {
    private static final Logger log = LoggerFactory.getLogger(Cleanup.class);
    /** Renewed before each step's purge; one purge is expected to take seconds. */
    static final Duration LEASE_TTL = Duration.ofMinutes(5);

    private final StateStore store;
    private final Clock clock;
    private final String holder;

    /** {@code holder} names this process in the lease, as for a run ({@code pid@host}). */
    public Cleanup(StateStore store, Clock clock, String holder) {
        this.store = requireNonNull(store, "store is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.holder = requireNonNull(holder, "holder is null");
    }

    /** Deletes what is older than {@code before}: the books' history first, in one transaction, then each step's. */
    public CleanupReport run(PipelineConfig pipeline, Instant before) {
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(before, "before is null");
        PipelineId id = pipeline.id();
        Lease lease = store.acquireLease(id, holder, LEASE_TTL);
        try {
            BooksCleanup books = store.cleanup(id, before);
            var steps = new ArrayList<CleanupReport.StepPurge>();
            for (PipelineStep step : pipeline.steps()) {
                lease = store.renewLease(lease, LEASE_TTL);
                steps.add(purge(id, step, before, false, books));
            }
            CleanupReport report = new CleanupReport(id, before, false, books, steps);
            log.atInfo().addKeyValue("pipeline", id.value()).addKeyValue("before", before.toString())
                    .addKeyValue("runs", books.runs()).addKeyValue("errors", books.errors())
                    .addKeyValue("discarded_windows", books.discardedWindows())
                    .addKeyValue("step_items", steps.stream().mapToLong(CleanupReport.StepPurge::items).sum())
                    .log("cleaned up");
            return report;
        } finally {
            release(lease);
        }
    }

    /** What {@link #run} would delete now, deleting nothing and taking no lease. */
    public CleanupReport preview(PipelineConfig pipeline, Instant before) {
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(before, "before is null");
        PipelineId id = pipeline.id();
        BooksCleanup books = store.cleanupPreview(id, before);
        List<CleanupReport.StepPurge> steps = new ArrayList<>();
        for (PipelineStep step : pipeline.steps())
            steps.add(purge(id, step, before, true, books));
        return new CleanupReport(id, before, true, books, steps);
    }

    private CleanupReport.StepPurge purge(PipelineId id, PipelineStep step, Instant before, boolean dryRun, BooksCleanup books) {
        var context = new StepContext() {
            @Override public PipelineId pipeline() { return id; }
            @Override public Clock clock() { return clock; }
        };
        try {
            return new CleanupReport.StepPurge(step.name(), step.type(), step.step().purge(context, before, dryRun));
        } catch (IOException e) {
            throw new SluiceException(ErrorCode.STEP_FAILED, "pipeline '" + id + "': step '" + step.name()
                    + "' could not remove what it keeps from before " + before + ": " + e.getMessage()
                    + (dryRun ? "" : "; the books were cleaned up (" + books.runs() + " run(s), " + books.errors()
                            + " error(s), " + books.discardedWindows() + " discarded window(s))")
                    + "; fix that and run the cleanup again", e);
        }
    }

    private void release(Lease lease) {
        try {
            store.releaseLease(lease);
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("pipeline", lease.pipeline().value()).log("could not release the lease ({}); it expires by itself", e.getMessage());
        }
    }
}
