package dev.sluice.core.runner;

import static java.util.Objects.requireNonNull;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.PipelineId;
import dev.sluice.core.SluiceException;
import dev.sluice.core.config.PipelineConfig;
import dev.sluice.core.spi.DataRecord;
import dev.sluice.core.spi.Page;
import dev.sluice.core.spi.SinkContext;
import dev.sluice.core.spi.SourceContext;
import dev.sluice.core.spi.StepContext;
import dev.sluice.core.spi.StepResult;
import dev.sluice.core.spi.TransactionalWriter;
import dev.sluice.core.spi.WindowWriter;
import dev.sluice.core.state.SharedTransactions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Consumer;
import dev.sluice.core.config.PipelineConfig.PipelineStep;
import dev.sluice.core.state.KeyStatus;
import java.util.function.Predicate;
import dev.sluice.core.state.Counts;
import dev.sluice.core.state.ErrorRecord;
import dev.sluice.core.state.LedgerEntry;
import dev.sluice.core.state.Lease;
import dev.sluice.core.state.Position;
import dev.sluice.core.state.RunKind;
import dev.sluice.core.state.RunRecord;
import dev.sluice.core.state.RunStatus;
import dev.sluice.core.state.RunTotals;
import dev.sluice.core.state.StateStore;
import dev.sluice.core.state.WindowStatus;
import dev.sluice.core.window.CursorKind;
import dev.sluice.core.window.Plan;
import dev.sluice.core.window.Planner;
import dev.sluice.core.window.Window;
import dev.sluice.core.window.WindowSettings;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a pipeline's windows under the commit protocol of DESIGN.md section 3. Per window: the ledger
 * marks it running; the source's pages stream through to the sink's staged writer; the sink commits;
 * the ledger marks it succeeded and, in the same transaction, moves the watermark to the end of the
 * contiguous run of succeeded windows. Windows may run in parallel, but the watermark never passes a
 * window that has not succeeded. A failed window is retried first by the next run.
 *
 * <p>A runner is used for one run and is not thread-safe; it starts and joins its own threads.
 */
public final class Runner {
    private static final Logger log = LoggerFactory.getLogger(Runner.class);
    static final Duration LEASE_TTL = Duration.ofMinutes(2);

    private final PipelineConfig pipeline;
    private final StateStore store;
    private final SharedTransactions shared; // null when the books are not kept in a SQL database a sink can write to
    private final AtomicReference<Boolean> booksShared = new AtomicReference<>();
    private final Clock clock;
    private final RunListener listener;
    private final StopSignal stop;
    private final String holder;
    private final PipelineId id;
    private final AtomicBoolean cutShort = new AtomicBoolean(); // windows were left unstarted because a stop was asked

    public Runner(PipelineConfig pipeline, StateStore store, Clock clock, RunListener listener, StopSignal stop, String holder) {
        this.pipeline = requireNonNull(pipeline, "pipeline is null");
        this.store = requireNonNull(store, "store is null");
        this.shared = store instanceof SharedTransactions s ? s : null;
        this.clock = requireNonNull(clock, "clock is null");
        this.listener = requireNonNull(listener, "listener is null");
        this.stop = requireNonNull(stop, "stop is null");
        this.holder = requireNonNull(holder, "holder is null");
        this.id = pipeline.id();
    }

    /** An incremental run: failed windows first, then new windows from the watermark. */
    public RunResult run() {
        return run("");
    }

    /** An incremental run, with {@code details} on the books saying why it ran (such as its schedule). */
    public RunResult run(String details) {
        return withLease(RunKind.RUN, details, this::incremental);
    }

    /**
     * Runs {@code [from, to)} as a backfill: the windows are planned as usual (size, alignment, lag)
     * and recorded in the ledger as backfill windows; the watermark never moves.
     */
    public RunResult backfill(Position from, Position to) {
        CursorKind cursor = pipeline.windows().cursor();
        if (cursor == CursorKind.NONE)
            throw new SluiceException(ErrorCode.USAGE, "pipeline '" + id + "' has cursor: none, so it has no ranges to backfill; use sluice run");
        if (from.key() >= to.key())
            throw new SluiceException(ErrorCode.USAGE, "backfill --from " + from + " must be before --to " + to);
        return withLease(RunKind.BACKFILL, "from " + from + " to " + to, run -> {
            Instant now = clock.instant();
            WindowSettings s = pipeline.windows();
            Plan plan = cursor == CursorKind.TIME
                    ? Planner.plan(s.forTimeRange(from.instant(), to.instant()), Optional.empty(), Optional.empty(), now)
                    : Planner.plan(s.forIdRange(from.id(), to.id()), Optional.empty(), Optional.empty(), now);
            Optional<Position> watermark = store.watermark(id, cursor);
            if (plan.windows().isEmpty())
                return finish(run, plan.outcome(), "nothing to backfill: " + plan.message(), List.of(), watermark, null, w -> true);
            return execute(run, plan.windows(), plan.outcome(), plan.message(), watermark, null, w -> true);
        });
    }

    /**
     * Runs again the windows in which keys failed (those a step recorded as failed and let pass), so
     * that each failed key is processed again. A window's output is replaced as a whole, so the keys
     * that had succeeded in it are processed again too. The watermark never moves.
     */
    public RunResult replayFailedKeys() {
        CursorKind cursor = pipeline.windows().cursor();
        return withLease(RunKind.REPLAY, "failed keys", run -> {
            var windows = new TreeMap<Long, Window>();
            var backfill = new HashSet<Window>();
            long withoutWindow = 0;
            for (KeyStatus k : store.keyStatuses(id, Optional.of(KeyStatus.KeyOutcome.FAILED))) {
                if (k.window().isEmpty() || k.window().get().cursor() != cursor) {
                    withoutWindow++;
                    continue;
                }
                Window w = k.window().get();
                windows.putIfAbsent(w.startKey(), w);
                if (k.backfill())
                    backfill.add(w);
            }
            if (withoutWindow > 0)
                log.atWarn().addKeyValue("pipeline", id.value()).log("{} failed keys name no window of cursor {} and cannot be replayed", withoutWindow, cursor.label());
            return replay(run, windows.values(), backfill, "no failed keys to replay", "replaying the " + windows.size() + " window(s) with failed keys");
        });
    }

    /**
     * Runs again every window that is failed on the books, incremental and backfill alike, oldest
     * first, without planning new ones. A window that succeeds now counts towards the watermark at the
     * next incremental run, which moves it over every succeeded window it reaches.
     */
    public RunResult replayFailedWindows() {
        CursorKind cursor = pipeline.windows().cursor();
        return withLease(RunKind.REPLAY, "failed windows", run -> {
            var windows = new TreeMap<Long, Window>();
            var backfill = new HashSet<Window>();
            for (LedgerEntry e : store.ledger(id, cursor, Optional.of(WindowStatus.FAILED), Integer.MAX_VALUE)) {
                windows.putIfAbsent(e.window().startKey(), e.window());
                if (e.backfill())
                    backfill.add(e.window());
            }
            return replay(run, windows.values(), backfill, "no failed windows to replay", "replaying " + windows.size() + " failed window(s)");
        });
    }

    /** Runs {@code windows} again outside the watermark's chain: the watermark does not move. */
    private RunResult replay(RunRecord run, Collection<Window> windows, Set<Window> backfill, String nothing, String note) {
        Optional<Position> watermark = store.watermark(id, pipeline.windows().cursor());
        if (windows.isEmpty())
            return finish(run, Plan.Outcome.WINDOWS, nothing, List.of(), watermark, null, backfill::contains);
        return execute(run, List.copyOf(windows), Plan.Outcome.WINDOWS, note, watermark, null, backfill::contains);
    }

    private RunResult incremental(RunRecord run) {
        WindowSettings s = pipeline.windows();
        WorkPlan work = WorkPlan.fromBooks(s, store, id, clock.instant());
        if (s.cursor() == CursorKind.NONE)
            return execute(run, work.windows(), Plan.Outcome.WINDOWS, work.note(), work.watermark(), null, w -> false);
        var chain = new Chain(work.base(), work.watermark());
        work.succeeded().forEach(chain::done);
        if (work.windows().isEmpty())
            return finish(run, work.plan().outcome(), work.plan().message(), List.of(), work.watermark(), chain, w -> false);
        return execute(run, work.windows(), Plan.Outcome.WINDOWS, work.note(), work.watermark(), chain, w -> false);
    }

    private RunResult execute(RunRecord run, List<Window> windows, Plan.Outcome outcome, String note,
                              Optional<Position> watermarkBefore, Chain chain, Predicate<Window> backfill) {
        listener.planned(windows, note);
        var sourceContext = new SourceContext() {
            @Override public PipelineId pipeline() { return id; }
            @Override public Clock clock() { return clock; }
        };
        var sinkContext = new SinkContext() {
            @Override public PipelineId pipeline() { return id; }
            @Override public boolean keepsBooksIn(Connection connection) throws SQLException {
                return shared != null && shared.keepsBooksIn(connection);
            }
        };
        var stepContext = new StepContext() {
            @Override public PipelineId pipeline() { return id; }
            @Override public Clock clock() { return clock; }
        };
        var opened = new ArrayList<AutoCloseable>();
        var results = new ConcurrentSkipListMap<Long, WindowOutcome>();
        var failureSeen = new AtomicBoolean();
        var commitLock = new ReentrantLock();
        try {
            open(() -> pipeline.source().open(sourceContext), ErrorCode.SOURCE_UNAVAILABLE, pipeline.sourceType() + " source");
            opened.add(pipeline.source());
            for (PipelineStep step : pipeline.steps()) {
                open(() -> step.step().open(stepContext), ErrorCode.SOURCE_UNAVAILABLE, "step '" + step.name() + "'");
                opened.add(step.step());
            }
            open(() -> pipeline.sink().open(sinkContext), ErrorCode.SINK_UNAVAILABLE, pipeline.sinkType() + " sink");
            opened.add(pipeline.sink());
            var permits = new Semaphore(pipeline.parallelism());
            try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
                long index = 0;
                for (Window w : windows) {
                    try {
                        permits.acquire();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        stop.request();
                    }
                    if (stop.draining() || failureSeen.get()) {
                        permits.release();
                        cutShort.set(stop.draining());
                        break;
                    }
                    LedgerEntry entry = store.markRunning(id, run.runId(), w, backfill.test(w));
                    long order = index++;
                    executor.submit(() -> {
                        try {
                            var outcomeOfWindow = runWindow(run, entry, chain, commitLock);
                            results.put(order, outcomeOfWindow);
                            if (outcomeOfWindow.error != null)
                                failureSeen.set(true);
                        } catch (Error e) {
                            // Not lost in an unread Future: the run reports it, the window stays on the books for retry.
                            results.put(order, new WindowOutcome(w, Counts.ZERO, new SluiceException(ErrorCode.INTERNAL,
                                    "window " + w + " failed with " + e + "; the next run retries it", e)));
                            failureSeen.set(true);
                        } finally {
                            permits.release();
                        }
                    });
                }
            }
        } finally {
            // Closed in reverse order of opening, and only what was opened: a step shares its connection
            // with the source, and the last to close it releases it.
            for (AutoCloseable c : opened.reversed())
                closeQuietly(c);
        }
        return finish(run, outcome, note, List.copyOf(results.values()), watermarkBefore, chain, backfill);
    }

    private interface Opening {
        void run() throws IOException;
    }

    private void open(Opening opening, ErrorCode code, String what) {
        try {
            opening.run();
        } catch (IOException e) {
            throw new SluiceException(code, "pipeline '" + id + "': cannot open the " + what + ": " + e.getMessage()
                    + "; no window was run and the watermark is unchanged", e);
        }
    }

    private WindowOutcome runWindow(RunRecord run, LedgerEntry entry, Chain chain, ReentrantLock commitLock) {
        Window w = entry.window();
        long read = 0, written = 0, rejected = 0, empty = 0;
        var keys = new KeyBook();
        listener.windowStarted(w);
        try {
            Counts counts;
            try (WindowWriter writer = begin(w)) {
                Optional<String> after = Optional.empty();
                var seen = new HashSet<String>();
                do {
                    if (stop.requested())
                        throw new SluiceException(ErrorCode.RUN_INTERRUPTED, "the run was stopped before window " + w
                                + " finished; its output was discarded and the next run retries it first");
                    Page page = read(w, after);
                    read += page.records().size();
                    empty += page.emptyAnswers();
                    List<DataRecord> records = page.records();
                    for (PipelineStep step : pipeline.steps()) {
                        StepResult result = apply(step, w, records);
                        records = result.records();
                        rejected += result.rejected();
                        empty += result.emptyAnswers();
                        keys.add(step.name(), result.keys());
                    }
                    for (DataRecord r : records) {
                        write(writer, w, r);
                        written++;
                    }
                    after = page.next();
                    if (after.isPresent() && !seen.add(after.get()))
                        throw new SluiceException(ErrorCode.SOURCE_INVALID_DATA, "the " + pipeline.sourceType() + " source returned the page position '"
                                + after.get() + "' twice in window " + w + "; stopped instead of reading the same pages forever");
                } while (after.isPresent());
                for (PipelineStep step : pipeline.steps())
                    commitStep(step, w);
                counts = new Counts(read, written, rejected, empty);
                if (writer instanceof TransactionalWriter tw && sharesBooks(tw, w)) {
                    // Exactly once: the rows and the ledger entry become durable in one database commit.
                    recordKeys(run, entry, keys, false);
                    succeed(entry, counts, chain, commitLock, moved -> {
                        try {
                            shared.markSucceededWithin(tw.transaction(), entry, counts, moved);
                        } catch (SQLException e) {
                            throw new SluiceException(ErrorCode.STATE_UNAVAILABLE, "cannot put window " + w
                                    + " on the books in the sink's transaction: " + e.getMessage() + "; nothing was committed", e);
                        }
                        commit(writer, w);
                    });
                } else {
                    commit(writer, w);
                    recordKeys(run, entry, keys, false);
                    succeed(entry, counts, chain, commitLock, moved -> store.markSucceeded(entry, counts, moved));
                }
            } catch (IOException e) {
                throw new SluiceException(ErrorCode.SINK_UNAVAILABLE, pipeline.sinkType() + " sink failed closing window " + w + ": " + e.getMessage(), e);
            }
            log.atInfo().addKeyValue("pipeline", id.value()).addKeyValue("run", run.runId()).addKeyValue("window", w.toString())
                    .addKeyValue("attempt", entry.attempt()).addKeyValue("records", written).log("window committed");
            listener.windowCommitted(w, counts);
            return new WindowOutcome(w, counts, null);
        } catch (RuntimeException e) {
            SluiceException error = SluiceException.wrap(e, ErrorCode.INTERNAL);
            for (PipelineStep step : pipeline.steps())
                step.step().discard(w);
            var counts = new Counts(read, 0, rejected, empty);
            try {
                recordKeys(run, entry, keys, true);
            } catch (RuntimeException stateError) {
                error.addSuppressed(stateError);
            }
            Map<String, String> context = new LinkedHashMap<>();
            context.put("window", w.toString());
            context.put("attempt", Integer.toString(entry.attempt()));
            context.put("source", pipeline.sourceType());
            context.put("sink", pipeline.sinkType());
            context.put("records_read", Long.toString(read));
            try {
                store.markFailed(entry, counts, new ErrorRecord(error.errorId(), id, Optional.of(run.runId()), error.code(),
                        error.getMessage(), context, clock.instant()));
            } catch (RuntimeException stateError) {
                error.addSuppressed(stateError);
            }
            log.atError().addKeyValue("pipeline", id.value()).addKeyValue("run", run.runId()).addKeyValue("window", w.toString())
                    .addKeyValue("attempt", entry.attempt()).addKeyValue("code", error.code()).addKeyValue("error_id", error.errorId())
                    .log("window failed: {}", error.getMessage());
            listener.windowFailed(w, error);
            return new WindowOutcome(w, counts, error);
        }
    }

    private StepResult apply(PipelineStep step, Window w, List<DataRecord> records) {
        try {
            return step.step().apply(w, records);
        } catch (IOException e) {
            throw new SluiceException(ErrorCode.STEP_FAILED, "step '" + step.name() + "' failed in window " + w + ": " + e.getMessage(), e);
        }
    }

    /**
     * Moves the window onto the books with {@code commit}, which gets the new watermark (if any) while the
     * commit lock is held, so that watermarks are written in order; undoes the move if the commit fails.
     */
    private void succeed(LedgerEntry entry, Counts counts, Chain chain, ReentrantLock commitLock, Consumer<Optional<Position>> commit) {
        Window w = entry.window();
        commitLock.lock();
        try {
            Chain.Mark mark = chain != null ? chain.mark() : null;
            // A snapshot's watermark is the instant it was taken, so that status shows how fresh the data is.
            Optional<Position> moved = chain != null ? chain.done(w)
                    : w.cursor() == CursorKind.NONE ? Optional.of(Position.endOf(w)) : Optional.empty();
            try {
                commit.accept(moved);
            } catch (RuntimeException e) {
                if (mark != null)
                    chain.restore(mark);
                throw e;
            }
        } finally {
            commitLock.unlock();
        }
    }

    /**
     * Whether the books are kept in the database of the writer's transaction. Asked of the first window
     * only: every writer of a sink reaches the same database.
     */
    private boolean sharesBooks(TransactionalWriter writer, Window w) {
        if (shared == null)
            return false;
        Boolean known = booksShared.get();
        if (known != null)
            return known;
        try {
            boolean answer = shared.keepsBooksIn(writer.transaction());
            booksShared.compareAndSet(null, answer);
            return answer;
        } catch (SQLException e) {
            throw new SluiceException(ErrorCode.SINK_UNAVAILABLE, pipeline.sinkType() + " sink cannot tell whether the books are kept "
                    + "in its database (window " + w + "): " + e.getMessage(), e);
        }
    }

    private void commitStep(PipelineStep step, Window w) {
        try {
            step.step().commit(w);
        } catch (IOException e) {
            throw new SluiceException(ErrorCode.STEP_FAILED, "step '" + step.name() + "' could not commit what it staged for window "
                    + w + ": " + e.getMessage(), e);
        }
    }

    /**
     * Puts the outcome of the window's keys on the books: all of them once the window's output is
     * committed, only the failed ones when the window failed (its other keys have no output).
     */
    private void recordKeys(RunRecord run, LedgerEntry entry, KeyBook keys, boolean failedOnly) {
        if (keys.isEmpty())
            return;
        Instant now = clock.instant();
        var statuses = new ArrayList<KeyStatus>();
        var failed = new ArrayList<FailedKey>();
        for (var k : keys.outcomes()) {
            if (failedOnly && k.succeeded())
                continue;
            Optional<String> errorId = Optional.empty();
            if (!k.succeeded()) {
                var error = new SluiceException(k.code(), k.reason());
                errorId = Optional.of(error.errorId());
                failed.add(new FailedKey(k.key(), k.reason(), k.code(), error.errorId()));
                store.recordError(new ErrorRecord(error.errorId(), id, Optional.of(run.runId()), k.code(), k.reason(),
                        Map.of("window", entry.window().toString(), "key", k.key(), "attempt", Integer.toString(entry.attempt())), now));
            }
            statuses.add(new KeyStatus(id, k.key(), k.succeeded() ? KeyStatus.KeyOutcome.SUCCEEDED : KeyStatus.KeyOutcome.FAILED,
                    k.succeeded() ? Optional.empty() : Optional.of(k.reason()), k.answeredBy(), 1, errorId, now,
                    Optional.of(entry.window()), entry.backfill()));
        }
        store.recordKeyOutcomes(statuses);
        if (!failed.isEmpty())
            listener.keysFailed(entry.window(), failed);
    }

    private WindowWriter begin(Window w) {
        try {
            return pipeline.sink().begin(w);
        } catch (IOException e) {
            throw new SluiceException(ErrorCode.SINK_UNAVAILABLE, pipeline.sinkType() + " sink cannot stage window " + w + ": " + e.getMessage(), e);
        }
    }

    private Page read(Window w, Optional<String> after) {
        try {
            return pipeline.source().read(w, after);
        } catch (IOException e) {
            throw new SluiceException(ErrorCode.SOURCE_UNAVAILABLE, pipeline.sourceType() + " source failed reading window " + w + ": " + e.getMessage(), e);
        }
    }

    private void write(WindowWriter writer, Window w, DataRecord r) {
        try {
            writer.write(r);
        } catch (IOException e) {
            throw new SluiceException(ErrorCode.SINK_UNAVAILABLE, pipeline.sinkType() + " sink failed writing window " + w + ": " + e.getMessage(), e);
        }
    }

    private void commit(WindowWriter writer, Window w) {
        try {
            writer.commit();
        } catch (IOException e) {
            throw new SluiceException(ErrorCode.SINK_UNAVAILABLE, pipeline.sinkType() + " sink failed committing window " + w + ": " + e.getMessage(), e);
        }
    }

    private RunResult finish(RunRecord run, Plan.Outcome outcome, String note, List<WindowOutcome> outcomes,
                             Optional<Position> watermarkBefore, Chain chain, Predicate<Window> backfill) {
        long ok = 0, failed = 0;
        Counts counts = Counts.ZERO;
        var errors = new ArrayList<SluiceException>();
        for (WindowOutcome o : outcomes) {
            counts = counts.plus(o.counts);
            if (o.error == null) ok++;
            else {
                failed++;
                errors.add(o.error);
            }
        }
        RunStatus status;
        if (failed > 0)
            status = errors.stream().allMatch(e -> e.code() == ErrorCode.RUN_INTERRUPTED) ? RunStatus.INTERRUPTED : RunStatus.FAILED;
        else if (stop.requested() || cutShort.get())
            status = RunStatus.INTERRUPTED;
        else if (outcomes.isEmpty())
            status = RunStatus.UP_TO_DATE;
        else
            status = RunStatus.SUCCEEDED;
        Optional<String> errorId = errors.stream().findFirst().map(SluiceException::errorId);
        store.finishRun(run.runId(), status, new RunTotals(ok, failed, counts), errorId);
        // A backfill leaves the watermark alone; everything else may have moved it.
        Optional<Position> after = run.kind() == RunKind.BACKFILL ? watermarkBefore : store.watermark(id, pipeline.windows().cursor());
        log.atInfo().addKeyValue("pipeline", id.value()).addKeyValue("run", run.runId()).addKeyValue("status", status.label())
                .addKeyValue("windows_succeeded", ok).addKeyValue("windows_failed", failed).log("run finished");
        return new RunResult(run.runId(), run.sequence(), status, outcome, note, ok, failed, counts, watermarkBefore, after, errors);
    }

    private interface RunBody {
        RunResult apply(RunRecord run);
    }

    private RunResult withLease(RunKind kind, String details, RunBody body) {
        Lease lease = store.acquireLease(id, holder, LEASE_TTL);
        ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sluice-lease-" + id);
            t.setDaemon(true);
            return t;
        });
        var current = new Lease[] {lease};
        long every = LEASE_TTL.toMillis() / 4;
        heartbeat.scheduleAtFixedRate(() -> {
            try {
                current[0] = store.renewLease(current[0], LEASE_TTL);
            } catch (RuntimeException e) {
                log.atError().addKeyValue("pipeline", id.value()).log("lost the lease ({}); stopping the run", e.getMessage());
                stop.request();
            }
        }, every, every, TimeUnit.MILLISECONDS);
        try {
            RunRecord run = store.startRun(id, kind, details);
            listener.runStarted(run);
            try {
                return body.apply(run);
            } catch (RuntimeException e) {
                SluiceException error = SluiceException.wrap(e, ErrorCode.INTERNAL);
                try {
                    store.recordError(new ErrorRecord(error.errorId(), id, Optional.of(run.runId()), error.code(), error.getMessage(),
                            Map.of("run", Long.toString(run.runId())), clock.instant()));
                    store.finishRun(run.runId(), RunStatus.FAILED, RunTotals.ZERO, Optional.of(error.errorId()));
                } catch (RuntimeException stateError) {
                    error.addSuppressed(stateError);
                }
                throw error;
            }
        } finally {
            heartbeat.shutdownNow();
            try {
                store.releaseLease(current[0]);
            } catch (RuntimeException e) {
                log.atWarn().addKeyValue("pipeline", id.value()).log("could not release the lease ({}); it expires by itself", e.getMessage());
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            log.atWarn().log("closing {} failed: {}", c.getClass().getSimpleName(), e.getMessage());
        }
    }

    private record WindowOutcome(Window window, Counts counts, SluiceException error) {
    }

    /**
     * The contiguous run of succeeded windows from the base. Windows that succeed out of order wait
     * here until the ones before them have succeeded; only then does the watermark pass them.
     */
    static final class Chain {
        private final Map<Long, Window> pending = new java.util.HashMap<>();
        private Position end;
        private final Optional<Position> stored;

        Chain(Position base, Optional<Position> stored) {
            this.end = base;
            this.stored = stored;
        }

        /** Where the chain stands, to go back to if the commit that follows {@link #done} fails. */
        record Mark(Position end, Map<Long, Window> pending) {}

        Mark mark() {
            return new Mark(end, Map.copyOf(pending));
        }

        void restore(Mark mark) {
            end = mark.end();
            pending.clear();
            pending.putAll(mark.pending());
        }

        /** Adds a succeeded window; returns the new watermark if it moved past the stored one. */
        Optional<Position> done(Window w) {
            pending.put(w.startKey(), w);
            Position before = end;
            Window next;
            while ((next = pending.remove(end.key())) != null)
                end = Position.endOf(next);
            if (end.key() == before.key())
                return Optional.empty();
            boolean beyondStored = stored.isEmpty() || end.key() > stored.get().key();
            return beyondStored ? Optional.of(end) : Optional.empty();
        }
    }

}
