package dev.sluice.state;

import static dev.sluice.state.StateAssertions.assertFailsWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.PipelineId;
import dev.sluice.core.state.BooksCleanup;
import dev.sluice.core.state.Counts;
import dev.sluice.core.state.ErrorRecord;
import dev.sluice.core.state.KeyStatus;
import dev.sluice.core.state.KeyTally;
import dev.sluice.core.state.KeyStatus.KeyOutcome;
import dev.sluice.core.state.Lease;
import dev.sluice.core.state.LedgerEntry;
import dev.sluice.core.state.LedgerFilter;
import dev.sluice.core.state.PipelineSwitch;
import dev.sluice.core.state.Position;
import dev.sluice.core.state.RunKind;
import dev.sluice.core.state.RunRecord;
import dev.sluice.core.state.RunStatus;
import dev.sluice.core.state.RunTotals;
import dev.sluice.core.state.StateStore;
import dev.sluice.core.state.WindowStatus;
import dev.sluice.core.window.CursorKind;
import dev.sluice.core.window.IdWindow;
import dev.sluice.core.window.SnapshotWindow;
import dev.sluice.core.window.TimeWindow;
import dev.sluice.core.window.Window;
import dev.sluice.testkit.TestClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link StateStore} must do. Each dialect runs it by opening a store on its own books;
 * every test uses a pipeline of its own, so books may be shared between tests.
 */
abstract class StateStoreContractTest {
    static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");
    static final Duration TTL = Duration.ofMinutes(5);
    /** A schema version a newer Sluice would write. */
    static final int NEWER_SCHEMA = Schema.CURRENT_VERSION + 1;

    final TestClock clock = new TestClock(T0);
    StateStore store;
    PipelineId pipeline;

    /** Opens a store on this test's books; called again to reopen the same books. */
    abstract StateStore open(Clock clock);

    @BeforeEach
    void openStore() {
        store = open(clock);
        pipeline = newPipeline();
    }

    @AfterEach
    void closeStore() {
        if (store != null)
            store.close();
    }

    static PipelineId newPipeline() {
        return new PipelineId("orders-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()));
    }

    static TimeWindow hour(int n) {
        return new TimeWindow(T0.plus(Duration.ofHours(n)), T0.plus(Duration.ofHours(n + 1)));
    }

    long newRun() {
        return store.startRun(pipeline, RunKind.RUN, "").runId();
    }

    LedgerEntry succeed(long runId, Window window) {
        LedgerEntry entry = store.markRunning(pipeline, runId, window, false);
        return store.markSucceeded(entry, Counts.ZERO, Optional.of(Position.endOf(window)));
    }

    ErrorRecord errorRecord(long runId, String errorId) {
        return new ErrorRecord(errorId, pipeline, Optional.of(runId), ErrorCode.SOURCE_UNAVAILABLE,
                "GET /v1/orders returned 503 after 5 attempts", Map.of("window", "2024-05-01T00:00Z/PT1H", "status", "503"),
                clock.instant());
    }

    ErrorRecord errorAt(Optional<Long> runId, String errorId, Instant at) {
        return new ErrorRecord(errorId, pipeline, runId, ErrorCode.SOURCE_UNAVAILABLE, "GET /v1/orders returned 503", Map.of(), at);
    }

    /** A run that found nothing to do, started and finished at the clock's time. */
    RunRecord emptyRun() {
        RunRecord run = store.startRun(pipeline, RunKind.RUN, "");
        store.finishRun(run.runId(), RunStatus.UP_TO_DATE, RunTotals.ZERO, Optional.empty());
        return run;
    }

    /** A run that committed {@code windows}, finished at the clock's time. */
    void finishedRun(Window... windows) {
        long run = newRun();
        for (Window w : windows)
            succeed(run, w);
        store.finishRun(run, RunStatus.SUCCEEDED, new RunTotals(windows.length, 0, Counts.ZERO), Optional.empty());
    }

    List<Long> sequences() {
        return store.runs(pipeline, 100).stream().map(RunRecord::sequence).toList();
    }

    LedgerFilter between(Optional<WindowStatus> status, Window from, Window to, boolean backfill) {
        return new LedgerFilter(status, Optional.of(Position.startOf(from)), Optional.of(Position.startOf(to)), backfill, 10);
    }

    Optional<Position> watermark() {
        return store.watermark(pipeline, CursorKind.TIME);
    }

    // ---------------------------------------------------------------------------------------- lease

    @Test
    void lease_is_granted_when_nobody_holds_it() {
        Lease lease = store.acquireLease(pipeline, Leases.currentHolder(), TTL);

        assertThat(lease.pipeline()).isEqualTo(pipeline);
        assertThat(lease.holder()).isEqualTo(Leases.currentHolder());
        assertThat(lease.token()).isNotBlank();
        assertThat(lease.expiresAt()).isEqualTo(T0.plus(TTL));
    }

    @Test
    void second_lease_is_refused_while_holder_is_alive() {
        store.acquireLease(pipeline, Leases.currentHolder(), TTL);

        assertFailsWith(ErrorCode.STATE_LEASE_HELD, () -> store.acquireLease(pipeline, "77@elsewhere", TTL))
                .hasMessageContaining("pipeline '" + pipeline + "' is already being run by " + Leases.currentHolder())
                .hasMessageContaining("lease until " + T0.plus(TTL))
                .hasMessageContaining("if it died the lease expires at " + T0.plus(TTL));
    }

    @Test
    void lease_of_a_holder_on_another_host_is_refused_until_it_expires() {
        store.acquireLease(pipeline, "4242@some-other-host", TTL);
        clock.advance(TTL.minusSeconds(1));

        assertFailsWith(ErrorCode.STATE_LEASE_HELD, () -> store.acquireLease(pipeline, Leases.currentHolder(), TTL));
    }

    @Test
    void expired_lease_is_taken_over() {
        store.acquireLease(pipeline, "4242@some-other-host", TTL);
        clock.advance(TTL);

        Lease lease = store.acquireLease(pipeline, Leases.currentHolder(), TTL);

        assertThat(lease.holder()).isEqualTo(Leases.currentHolder());
        assertThat(lease.expiresAt()).isEqualTo(clock.instant().plus(TTL));
    }

    @Test
    void lease_of_a_dead_local_process_is_taken_over() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        store.acquireLease(pipeline, gone.pid() + "@" + Leases.localHost(), Duration.ofHours(1));

        Lease lease = store.acquireLease(pipeline, Leases.currentHolder(), TTL);

        assertThat(lease.holder()).isEqualTo(Leases.currentHolder());
    }

    @Test
    void a_second_run_in_the_same_process_is_refused_while_the_first_holds_the_lease() {
        Lease first = store.acquireLease(pipeline, Leases.currentHolder(), TTL);

        assertFailsWith(ErrorCode.STATE_LEASE_HELD, () -> store.acquireLease(pipeline, Leases.currentHolder(), TTL));
        assertThat(store.renewLease(first, TTL).token()).isEqualTo(first.token());
    }

    @Test
    void the_same_holder_takes_its_lease_again_once_it_has_expired() {
        Lease first = store.acquireLease(pipeline, "4242@some-other-host", TTL);
        clock.advance(TTL.plusSeconds(1));

        Lease second = store.acquireLease(pipeline, "4242@some-other-host", TTL);

        assertThat(second.token()).isNotEqualTo(first.token());
        assertFailsWith(ErrorCode.STATE_LEASE_HELD, () -> store.renewLease(first, TTL));
    }

    @Test
    void the_lease_holder_is_visible_while_the_lease_is_live_and_gone_after_release_or_expiry() {
        assertThat(store.leaseHolder(pipeline)).isEmpty();
        Lease lease = store.acquireLease(pipeline, "4242@some-other-host", TTL);

        assertThat(store.leaseHolder(pipeline)).get().satisfies(h -> {
            assertThat(h.holder()).isEqualTo("4242@some-other-host");
            assertThat(h.expiresAt()).isEqualTo(lease.expiresAt());
        });
        clock.advance(TTL.plusSeconds(1));
        assertThat(store.leaseHolder(pipeline)).as("expired").isEmpty();
        Lease again = store.acquireLease(pipeline, "4242@some-other-host", TTL);
        store.releaseLease(again);
        assertThat(store.leaseHolder(pipeline)).as("released").isEmpty();
    }

    @Test
    void renewed_lease_outlives_its_first_expiry() {
        Lease lease = store.acquireLease(pipeline, "4242@some-other-host", TTL);
        clock.advance(Duration.ofMinutes(4));

        Lease renewed = store.renewLease(lease, TTL);
        clock.advance(Duration.ofMinutes(4));

        assertThat(renewed.token()).isEqualTo(lease.token());
        assertThat(renewed.expiresAt()).isEqualTo(T0.plus(Duration.ofMinutes(9)));
        assertFailsWith(ErrorCode.STATE_LEASE_HELD, () -> store.acquireLease(pipeline, Leases.currentHolder(), TTL));
    }

    @Test
    void renewing_a_lease_that_was_taken_over_reports_it_lost() {
        Lease lease = store.acquireLease(pipeline, "4242@some-other-host", TTL);
        clock.advance(TTL.plusSeconds(1));
        store.acquireLease(pipeline, Leases.currentHolder(), TTL);

        assertFailsWith(ErrorCode.STATE_LEASE_HELD, () -> store.renewLease(lease, TTL))
                .hasMessageContaining("lease lost");
    }

    @Test
    void released_lease_can_be_taken_by_another_holder() {
        Lease lease = store.acquireLease(pipeline, "4242@some-other-host", TTL);

        store.releaseLease(lease);

        assertThat(store.acquireLease(pipeline, Leases.currentHolder(), TTL).holder()).isEqualTo(Leases.currentHolder());
    }

    @Test
    void releasing_a_lost_lease_leaves_the_new_holders_lease_alone() {
        Lease lost = store.acquireLease(pipeline, "4242@some-other-host", TTL);
        clock.advance(TTL);
        Lease current = store.acquireLease(pipeline, "5353@yet-another-host", TTL);

        store.releaseLease(lost);

        assertThat(store.renewLease(current, TTL).holder()).isEqualTo("5353@yet-another-host");
        assertFailsWith(ErrorCode.STATE_LEASE_HELD, () -> store.acquireLease(pipeline, "4242@some-other-host", TTL));
    }

    @Test
    void leases_of_different_pipelines_are_independent() {
        store.acquireLease(pipeline, "4242@some-other-host", TTL);

        Lease other = store.acquireLease(newPipeline(), "5353@yet-another-host", TTL);

        assertThat(other.holder()).isEqualTo("5353@yet-another-host");
    }

    @Test
    void lease_ttl_must_be_positive() {
        assertThatThrownBy(() -> store.acquireLease(pipeline, Leases.currentHolder(), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ttl must be > 0");
    }

    // ------------------------------------------------------------------------------------ watermark

    @Test
    void watermark_is_empty_for_a_new_pipeline() {
        assertThat(watermark()).isEmpty();
    }

    @Test
    void success_with_a_watermark_moves_it_forward() {
        long run = newRun();

        succeed(run, hour(0));
        succeed(run, hour(1));

        assertThat(watermark()).contains(Position.endOf(hour(1)));
    }

    @Test
    void watermark_never_moves_backwards_on_success() {
        long run = newRun();
        succeed(run, hour(5));

        succeed(run, hour(2));

        assertThat(watermark()).contains(Position.endOf(hour(5)));
    }

    @Test
    void success_without_a_watermark_leaves_it_alone() {
        long run = newRun();
        succeed(run, hour(0));
        LedgerEntry entry = store.markRunning(pipeline, run, hour(1), false);

        store.markSucceeded(entry, Counts.ZERO, Optional.empty());

        assertThat(watermark()).contains(Position.endOf(hour(0)));
    }

    @Test
    void backfill_window_is_refused_a_watermark() {
        LedgerEntry entry = store.markRunning(pipeline, newRun(), hour(0), true);

        assertThatThrownBy(() -> store.markSucceeded(entry, Counts.ZERO, Optional.of(Position.endOf(hour(0)))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("backfill window never moves the watermark");
        assertThat(watermark()).isEmpty();
    }

    @Test
    void watermark_of_another_cursor_kind_is_incompatible_state_that_says_to_reset() {
        succeed(newRun(), new IdWindow(1, 101));

        assertFailsWith(ErrorCode.STATE_INCOMPATIBLE, () -> store.watermark(pipeline, CursorKind.TIME))
                .hasMessageContaining("has a watermark of cursor id (101)")
                .hasMessageContaining("sluice reset PIPELINE-FILE --all --yes");
    }

    @Test
    void id_watermark_is_read_back_as_an_id_position() {
        succeed(newRun(), new IdWindow(1, 101));

        assertThat(store.watermark(pipeline, CursorKind.ID)).contains(Position.ofId(101));
    }

    // ----------------------------------------------------------------------------------------- runs

    @Test
    void run_sequence_numbers_count_up_per_pipeline() {
        PipelineId other = newPipeline();

        RunRecord first = store.startRun(pipeline, RunKind.RUN, "");
        RunRecord second = store.startRun(pipeline, RunKind.BACKFILL, "");
        RunRecord otherFirst = store.startRun(other, RunKind.RUN, "");
        RunRecord third = store.startRun(pipeline, RunKind.RUN, "");

        assertThat(List.of(first.sequence(), second.sequence(), third.sequence())).containsExactly(1L, 2L, 3L);
        assertThat(otherFirst.sequence()).isEqualTo(1);
        assertThat(List.of(first.runId(), second.runId(), otherFirst.runId(), third.runId())).doesNotHaveDuplicates();
    }

    @Test
    void started_run_is_running_with_no_totals() {
        RunRecord run = store.startRun(pipeline, RunKind.BACKFILL, "from 2024-01-01 to 2024-02-01");

        assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
        assertThat(run.kind()).isEqualTo(RunKind.BACKFILL);
        assertThat(run.startedAt()).isEqualTo(T0);
        assertThat(run.finishedAt()).isEmpty();
        assertThat(run.totals()).isEqualTo(RunTotals.ZERO);
        assertThat(store.runs(pipeline, 10)).containsExactly(run);
    }

    @Test
    void finished_run_keeps_its_status_totals_and_error_id() {
        RunRecord run = store.startRun(pipeline, RunKind.RUN, "details");
        clock.advance(Duration.ofSeconds(90));
        RunTotals totals = new RunTotals(3, 1, new Counts(100, 98, 2));

        store.finishRun(run.runId(), RunStatus.FAILED, totals, Optional.of("E-ABC123"));

        RunRecord finished = store.runs(pipeline, 1).getFirst();
        assertThat(finished.status()).isEqualTo(RunStatus.FAILED);
        assertThat(finished.totals()).isEqualTo(totals);
        assertThat(finished.errorId()).contains("E-ABC123");
        assertThat(finished.finishedAt()).contains(T0.plusSeconds(90));
        assertThat(finished.details()).isEqualTo("details");
    }

    @Test
    void runs_are_listed_newest_first_up_to_the_limit() {
        for (int i = 0; i < 5; i++)
            store.startRun(pipeline, RunKind.RUN, "run " + i);
        store.startRun(newPipeline(), RunKind.RUN, "another pipeline");

        assertThat(store.runs(pipeline, 3)).extracting(RunRecord::sequence).containsExactly(5L, 4L, 3L);
    }

    @Test
    void a_run_is_found_by_its_id_within_its_own_pipeline_only() {
        RunRecord run = store.startRun(pipeline, RunKind.BACKFILL, "from 2024-01-01 to 2024-02-01");

        assertThat(store.run(pipeline, run.runId())).contains(run);
        assertThat(store.run(newPipeline(), run.runId())).isEmpty();
        assertThat(store.run(pipeline, 987_654_321L)).isEmpty();
    }

    @Test
    void runs_page_back_from_the_sequence_of_the_last_run_shown() {
        for (int i = 0; i < 5; i++)
            store.startRun(pipeline, RunKind.RUN, "");

        List<RunRecord> first = store.runs(pipeline, 2, Optional.empty());
        List<RunRecord> second = store.runs(pipeline, 2, Optional.of(first.getLast().sequence()));
        List<RunRecord> third = store.runs(pipeline, 2, Optional.of(second.getLast().sequence()));

        assertThat(first).extracting(RunRecord::sequence).containsExactly(5L, 4L);
        assertThat(second).extracting(RunRecord::sequence).containsExactly(3L, 2L);
        assertThat(third).extracting(RunRecord::sequence).containsExactly(1L);
    }

    @Test
    void errors_of_a_run_are_listed_oldest_first_to_the_microsecond() {
        Optional<Long> run = Optional.of(newRun());
        store.recordError(errorAt(run, "E-THIRD", T0.plusSeconds(2)));
        store.recordError(errorAt(run, "E-FIRST", T0.plusSeconds(1)));
        store.recordError(errorAt(run, "E-SECOND", T0.plusSeconds(1).plusNanos(1_000)));
        store.recordError(errorAt(Optional.of(newRun()), "E-OTHER-RUN", T0));

        assertThat(store.errorsOfRun(run.get())).extracting(ErrorRecord::errorId).containsExactly("E-FIRST", "E-SECOND", "E-THIRD");
        assertThat(store.errorsOfRun(987_654_321L)).isEmpty();
    }

    @Test
    void finishing_an_unknown_run_is_a_conflict() {
        assertFailsWith(ErrorCode.STATE_CONFLICT,
                () -> store.finishRun(987_654_321L, RunStatus.SUCCEEDED, RunTotals.ZERO, Optional.empty()));
    }

    // --------------------------------------------------------------------------------------- ledger

    @Test
    void mark_running_puts_a_new_window_on_the_books_with_attempt_one() {
        long run = newRun();

        LedgerEntry entry = store.markRunning(pipeline, run, hour(0), false);

        assertThat(entry.status()).isEqualTo(WindowStatus.RUNNING);
        assertThat(entry.attempt()).isEqualTo(1);
        assertThat(entry.window()).isEqualTo(hour(0));
        assertThat(entry.runId()).isEqualTo(run);
        assertThat(entry.startedAt()).isEqualTo(T0);
        assertThat(entry.finishedAt()).isEmpty();
        assertThat(store.ledger(pipeline, CursorKind.TIME, Optional.empty(), 10)).containsExactly(entry);
    }

    @Test
    void mark_running_twice_increments_attempt() {
        LedgerEntry first = store.markRunning(pipeline, newRun(), hour(0), false);
        store.markSucceeded(first, new Counts(10, 10, 0), Optional.empty());
        long secondRun = newRun();
        clock.advance(Duration.ofMinutes(1));

        LedgerEntry second = store.markRunning(pipeline, secondRun, hour(0), false);

        assertThat(second.id()).isEqualTo(first.id());
        assertThat(second.attempt()).isEqualTo(2);
        assertThat(second.runId()).isEqualTo(secondRun);
        assertThat(second.counts()).isEqualTo(Counts.ZERO);
        assertThat(second.startedAt()).isEqualTo(T0.plusSeconds(60));
        assertThat(store.ledger(pipeline, CursorKind.TIME, Optional.empty(), 10)).containsExactly(second);
    }

    @Test
    void mark_running_under_an_unknown_run_is_a_conflict() {
        assertFailsWith(ErrorCode.STATE_CONFLICT, () -> store.markRunning(pipeline, 987_654_321L, hour(0), false));
        assertThat(store.windowCounts(pipeline)).containsEntry(WindowStatus.RUNNING, 0L);
    }

    @Test
    void backfill_and_incremental_runs_of_one_window_are_separate_entries() {
        long run = newRun();

        LedgerEntry incremental = store.markRunning(pipeline, run, hour(0), false);
        LedgerEntry backfill = store.markRunning(pipeline, run, hour(0), true);

        assertThat(backfill.id()).isNotEqualTo(incremental.id());
        assertThat(backfill.attempt()).isEqualTo(1);
        assertThat(backfill.backfill()).isTrue();
    }

    @Test
    void succeeded_window_records_its_counts_and_finish_time() {
        LedgerEntry running = store.markRunning(pipeline, newRun(), hour(0), false);
        clock.advance(Duration.ofSeconds(3));

        LedgerEntry done = store.markSucceeded(running, new Counts(100, 97, 3), Optional.empty());

        assertThat(done.status()).isEqualTo(WindowStatus.SUCCEEDED);
        assertThat(done.counts()).isEqualTo(new Counts(100, 97, 3));
        assertThat(done.finishedAt()).contains(T0.plusSeconds(3));
        assertThat(store.ledger(pipeline, CursorKind.TIME, Optional.empty(), 1)).containsExactly(done);
    }

    @Test
    void failed_window_keeps_its_error_id_and_error_record() {
        long run = newRun();
        LedgerEntry running = store.markRunning(pipeline, run, hour(0), false);
        ErrorRecord error = errorRecord(run, "E-FAILED1");

        LedgerEntry failed = store.markFailed(running, new Counts(5, 0, 0), error);

        assertThat(failed.status()).isEqualTo(WindowStatus.FAILED);
        assertThat(failed.errorId()).contains("E-FAILED1");
        assertThat(store.ledger(pipeline, CursorKind.TIME, Optional.of(WindowStatus.FAILED), 10)).containsExactly(failed);
        assertThat(store.error("E-FAILED1")).contains(error);
    }

    @Test
    void failing_a_window_does_not_move_the_watermark() {
        long run = newRun();
        succeed(run, hour(0));
        LedgerEntry running = store.markRunning(pipeline, run, hour(1), false);

        store.markFailed(running, Counts.ZERO, errorRecord(run, "E-FAILED2"));

        assertThat(watermark()).contains(Position.endOf(hour(0)));
    }

    @Test
    void rerun_of_a_failed_window_clears_its_error_id() {
        long run = newRun();
        LedgerEntry failed = store.markFailed(store.markRunning(pipeline, run, hour(0), false), Counts.ZERO,
                errorRecord(run, "E-FAILED3"));

        LedgerEntry rerun = store.markRunning(pipeline, newRun(), hour(0), false);

        assertThat(rerun.id()).isEqualTo(failed.id());
        assertThat(rerun.errorId()).isEmpty();
        assertThat(store.ledger(pipeline, CursorKind.TIME, Optional.empty(), 1).getFirst().errorId()).isEmpty();
        assertThat(store.error("E-FAILED3")).isPresent();
    }

    @Test
    void success_of_an_entry_that_a_reset_discarded_is_a_conflict_and_moves_nothing() {
        long run = newRun();
        LedgerEntry running = store.markRunning(pipeline, run, hour(0), false);
        store.reset(pipeline, CursorKind.TIME, Optional.empty());

        assertFailsWith(ErrorCode.STATE_CONFLICT,
                () -> store.markSucceeded(running, Counts.ZERO, Optional.of(Position.endOf(hour(0)))))
                .hasMessageContaining("no longer running");
        assertThat(watermark()).isEmpty();
        assertThat(store.windowCounts(pipeline)).containsEntry(WindowStatus.DISCARDED, 1L);
    }

    @Test
    void success_of_an_attempt_that_a_later_attempt_replaced_is_a_conflict() {
        long run = newRun();
        LedgerEntry stale = store.markRunning(pipeline, run, hour(0), false);
        store.markRunning(pipeline, newRun(), hour(0), false);

        assertFailsWith(ErrorCode.STATE_CONFLICT, () -> store.markSucceeded(stale, Counts.ZERO, Optional.empty()));
    }

    @Test
    void entries_from_ignore_backfill_and_discarded() {
        long run = newRun();
        succeed(run, hour(0));
        succeed(run, hour(1));
        store.reset(pipeline, CursorKind.TIME, Optional.of(Position.endOf(hour(0))));
        store.markSucceeded(store.markRunning(pipeline, run, hour(2), true), Counts.ZERO, Optional.empty());
        LedgerEntry running = store.markRunning(pipeline, run, hour(3), false);

        List<LedgerEntry> entries = store.entriesFrom(pipeline, CursorKind.TIME, Position.startOf(hour(0)));

        assertThat(entries).extracting(LedgerEntry::window).containsExactly(hour(0), hour(3));
        assertThat(entries.getLast()).isEqualTo(running);
    }

    @Test
    void entries_from_start_at_the_given_position_in_window_order() {
        long run = newRun();
        for (int h : new int[] {4, 1, 3, 0, 2})
            store.markRunning(pipeline, run, hour(h), false);

        List<LedgerEntry> entries = store.entriesFrom(pipeline, CursorKind.TIME, Position.startOf(hour(2)));

        assertThat(entries).extracting(LedgerEntry::window).containsExactly(hour(2), hour(3), hour(4));
    }

    @Test
    void entries_from_leave_out_other_pipelines() {
        store.markRunning(newPipeline(), newRun(), hour(0), false);

        assertThat(store.entriesFrom(pipeline, CursorKind.TIME, Position.startOf(hour(0)))).isEmpty();
    }

    @Test
    void ledger_lists_newest_window_first_including_backfill() {
        long run = newRun();
        succeed(run, hour(0));
        store.markRunning(pipeline, run, hour(5), true);
        succeed(run, hour(1));

        List<LedgerEntry> ledger = store.ledger(pipeline, CursorKind.TIME, Optional.empty(), 10);

        assertThat(ledger).extracting(LedgerEntry::window).containsExactly(hour(5), hour(1), hour(0));
        assertThat(ledger.getFirst().backfill()).isTrue();
    }

    @Test
    void ledger_filters_by_status_up_to_the_limit() {
        long run = newRun();
        for (int h = 0; h < 5; h++)
            succeed(run, hour(h));
        store.markFailed(store.markRunning(pipeline, run, hour(5), false), Counts.ZERO, errorRecord(run, "E-FAILED4"));

        assertThat(store.ledger(pipeline, CursorKind.TIME, Optional.of(WindowStatus.SUCCEEDED), 2))
                .extracting(LedgerEntry::window).containsExactly(hour(4), hour(3));
        assertThat(store.ledger(pipeline, CursorKind.TIME, Optional.of(WindowStatus.FAILED), 10))
                .extracting(LedgerEntry::window).containsExactly(hour(5));
    }

    @Test
    void ledger_filter_lists_the_windows_that_start_within_the_range_newest_first() {
        long run = newRun();
        for (int h = 0; h < 5; h++)
            succeed(run, hour(h));

        assertThat(store.ledger(pipeline, CursorKind.TIME, between(Optional.empty(), hour(1), hour(3), true)))
                .extracting(LedgerEntry::window).containsExactly(hour(2), hour(1));
    }

    @Test
    void ledger_filter_leaves_out_backfill_entries_unless_asked_for_them() {
        long run = newRun();
        succeed(run, hour(0));
        store.markSucceeded(store.markRunning(pipeline, run, hour(1), true), Counts.ZERO, Optional.empty());
        store.markFailed(store.markRunning(pipeline, run, hour(2), true), Counts.ZERO, errorRecord(run, "E-BACKFILL"));
        var everything = new LedgerFilter(Optional.empty(), Optional.empty(), Optional.empty(), false, 10);
        var failed = new LedgerFilter(Optional.of(WindowStatus.FAILED), Optional.empty(), Optional.empty(), false, 10);

        assertThat(store.ledger(pipeline, CursorKind.TIME, everything)).extracting(LedgerEntry::window).containsExactly(hour(0));
        assertThat(store.ledger(pipeline, CursorKind.TIME, failed)).isEmpty();
        assertThat(store.ledger(pipeline, CursorKind.TIME, LedgerFilter.newest(10)))
                .extracting(LedgerEntry::window).containsExactly(hour(2), hour(1), hour(0));
    }

    @Test
    void ledger_filter_of_one_status_keeps_to_the_range_and_the_limit() {
        long run = newRun();
        for (int h = 0; h < 4; h++)
            store.markFailed(store.markRunning(pipeline, run, hour(h), false), Counts.ZERO, errorRecord(run, "E-RANGE" + h));
        succeed(run, hour(4));

        assertThat(store.ledger(pipeline, CursorKind.TIME, between(Optional.of(WindowStatus.FAILED), hour(1), hour(4), false)))
                .extracting(LedgerEntry::window).containsExactly(hour(3), hour(2), hour(1));
        assertThat(store.ledger(pipeline, CursorKind.TIME, new LedgerFilter(Optional.of(WindowStatus.FAILED), Optional.empty(),
                Optional.of(Position.startOf(hour(3))), true, 1))).extracting(LedgerEntry::window).containsExactly(hour(2));
        assertThat(store.ledger(pipeline, CursorKind.TIME, between(Optional.of(WindowStatus.SUCCEEDED), hour(0), hour(5), true)))
                .extracting(LedgerEntry::window).containsExactly(hour(4));
    }

    @Test
    void ledger_filter_refuses_a_range_of_another_cursor_kind() {
        var ids = new LedgerFilter(Optional.empty(), Optional.of(Position.ofId(1)), Optional.empty(), true, 10);

        assertThatThrownBy(() -> store.ledger(pipeline, CursorKind.TIME, ids))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pipeline's cursor is time");
    }

    @Test
    void window_counts_count_every_status_including_discarded() {
        long run = newRun();
        succeed(run, hour(0));
        succeed(run, hour(1));
        store.markFailed(store.markRunning(pipeline, run, hour(2), false), Counts.ZERO, errorRecord(run, "E-FAILED5"));
        store.markRunning(pipeline, run, hour(3), false);
        store.reset(pipeline, CursorKind.TIME, Optional.of(Position.endOf(hour(0))));
        store.markRunning(pipeline, run, hour(9), true);

        assertThat(store.windowCounts(pipeline)).isEqualTo(Map.of(
                WindowStatus.SUCCEEDED, 1L,
                WindowStatus.DISCARDED, 3L,
                WindowStatus.RUNNING, 1L,
                WindowStatus.FAILED, 0L));
    }

    @Test
    void id_windows_round_trip_through_the_ledger() {
        long run = newRun();
        succeed(run, new IdWindow(1, 101));
        succeed(run, new IdWindow(101, 201));

        assertThat(store.ledger(pipeline, CursorKind.ID, Optional.empty(), 10))
                .extracting(LedgerEntry::window).containsExactly(new IdWindow(101, 201), new IdWindow(1, 101));
        assertThat(store.entriesFrom(pipeline, CursorKind.ID, Position.ofId(101)))
                .extracting(LedgerEntry::window).containsExactly(new IdWindow(101, 201));
    }

    @Test
    void snapshot_windows_round_trip_through_the_ledger() {
        SnapshotWindow snapshot = new SnapshotWindow(Instant.parse("2024-05-01T12:00:00.123456Z"));

        succeed(newRun(), snapshot);

        assertThat(store.ledger(pipeline, CursorKind.NONE, Optional.empty(), 10))
                .extracting(LedgerEntry::window).containsExactly(snapshot);
        assertThat(store.watermark(pipeline, CursorKind.NONE)).contains(Position.endOf(snapshot));
    }

    @Test
    void ledger_leaves_out_entries_of_another_cursor_kind() {
        long run = newRun();
        store.markRunning(pipeline, run, new IdWindow(1, 101), false);

        assertThat(store.ledger(pipeline, CursorKind.TIME, Optional.empty(), 10)).isEmpty();
        assertThat(store.entriesFrom(pipeline, CursorKind.TIME, Position.ofId(0))).isEmpty();
    }

    // --------------------------------------------------------------------------------------- errors

    @Test
    void recorded_error_is_found_by_its_id_with_its_context() {
        ErrorRecord error = new ErrorRecord("E-REC1", pipeline, Optional.empty(), ErrorCode.SINK_REJECTED,
                "row 7: column 'amount' is not a number", Map.of("row", "7", "quote", "she said \"hi\"\n", "é", "ü"),
                T0.plusMillis(1234));

        store.recordError(error);

        assertThat(store.error("E-REC1")).contains(error);
    }

    @Test
    void unknown_error_id_is_empty() {
        assertThat(store.error("E-NOSUCH")).isEmpty();
    }

    @Test
    void recording_the_same_error_twice_keeps_the_first() {
        ErrorRecord first = errorRecord(newRun(), "E-TWICE");
        store.recordError(first);

        store.recordError(new ErrorRecord("E-TWICE", pipeline, Optional.empty(), ErrorCode.INTERNAL, "other",
                Map.of(), T0));

        assertThat(store.error("E-TWICE")).contains(first);
    }

    // ----------------------------------------------------------------------------------- key status

    @Test
    void key_status_is_upserted_by_pipeline_and_key() {
        store.putKeyStatus(new KeyStatus(pipeline, "lot-1", KeyOutcome.FAILED, Optional.of("timeout"),
                Optional.of("mes-a"), 1, Optional.of("E-KEY1"), T0));
        KeyStatus latest = new KeyStatus(pipeline, "lot-1", KeyOutcome.SUCCEEDED, Optional.empty(),
                Optional.of("mes-b"), 2, Optional.empty(), T0.plusSeconds(60));

        store.putKeyStatus(latest);

        assertThat(store.keyStatuses(pipeline, Optional.empty())).containsExactly(latest);
    }

    @Test
    void key_statuses_filter_by_outcome() {
        KeyStatus ok = new KeyStatus(pipeline, "lot-1", KeyOutcome.SUCCEEDED, Optional.empty(), Optional.empty(), 1,
                Optional.empty(), T0);
        KeyStatus bad = new KeyStatus(pipeline, "lot-2", KeyOutcome.FAILED, Optional.of("no answer"), Optional.empty(),
                3, Optional.of("E-KEY2"), T0);
        store.putKeyStatus(ok);
        store.putKeyStatus(bad);
        store.putKeyStatus(new KeyStatus(newPipeline(), "lot-3", KeyOutcome.FAILED, Optional.empty(), Optional.empty(),
                1, Optional.empty(), T0));

        assertThat(store.keyStatuses(pipeline, Optional.of(KeyOutcome.FAILED))).containsExactly(bad);
        assertThat(store.keyStatuses(pipeline, Optional.of(KeyOutcome.SUCCEEDED))).containsExactly(ok);
        assertThat(store.keyStatuses(pipeline, Optional.empty())).containsExactly(ok, bad);
    }

    @Test
    void key_statuses_stop_at_the_limit_in_key_order() {
        for (String key : List.of("lot-3", "lot-1", "lot-2"))
            store.putKeyStatus(new KeyStatus(pipeline, key, KeyOutcome.FAILED, Optional.of("no answer"), Optional.empty(), 1,
                    Optional.empty(), T0));

        assertThat(store.keyStatuses(pipeline, Optional.empty(), 2)).extracting(KeyStatus::key).containsExactly("lot-1", "lot-2");
        assertThat(store.keyStatuses(pipeline, Optional.of(KeyOutcome.FAILED), 1)).extracting(KeyStatus::key).containsExactly("lot-1");
    }

    @Test
    void the_key_tally_counts_outcomes_and_each_step_answer_of_the_latest_statuses() {
        store.putKeyStatus(keyAnswered("rec-1", "captures: primary; metadata: batch-records"));
        store.putKeyStatus(keyAnswered("rec-2", "captures: primary; metadata: data-captures"));
        store.putKeyStatus(keyAnswered("rec-3", "captures: primary; metadata: batch-records"));
        store.putKeyStatus(new KeyStatus(pipeline, "rec-4", KeyOutcome.FAILED, Optional.of("Both API calls returned empty"),
                Optional.of("captures: primary"), 1, Optional.of("E-KEY4"), T0));
        store.putKeyStatus(new KeyStatus(newPipeline(), "rec-5", KeyOutcome.SUCCEEDED, Optional.empty(), Optional.of("captures: primary"),
                1, Optional.empty(), T0));

        KeyTally tally = store.keyTally(pipeline);

        assertThat(tally.succeeded()).isEqualTo(3);
        assertThat(tally.failed()).isEqualTo(1);
        assertThat(tally.answeredBy()).containsExactly(entry("captures: primary", 3L), entry("metadata: batch-records", 2L),
                entry("metadata: data-captures", 1L));
    }

    @Test
    void the_key_tally_of_a_pipeline_without_keys_is_empty() {
        assertThat(store.keyTally(pipeline)).isEqualTo(KeyTally.NONE);
    }

    private KeyStatus keyAnswered(String key, String answeredBy) {
        return new KeyStatus(pipeline, key, KeyOutcome.SUCCEEDED, Optional.empty(), Optional.of(answeredBy), 1, Optional.empty(), T0);
    }

    // ------------------------------------------------------------------------------------- switches

    @Test
    void a_pipeline_has_no_switch_until_one_is_set() {
        assertThat(store.pipelineSwitch(pipeline)).isEmpty();
    }

    @Test
    void a_switch_is_read_back_as_set_and_replaced_by_the_next() {
        store.setPipelineSwitch(new PipelineSwitch(pipeline, false, true, T0, "the API is down for maintenance"));
        PipelineSwitch on = new PipelineSwitch(pipeline, true, false, T0.plusSeconds(90).plusNanos(123_000), "");

        store.setPipelineSwitch(on);

        assertThat(store.pipelineSwitch(pipeline)).contains(on);
    }

    @Test
    void clearing_a_switch_removes_it_and_leaves_other_pipelines_alone() {
        PipelineSwitch other = new PipelineSwitch(newPipeline(), false, true, T0, "");
        store.setPipelineSwitch(other);
        store.setPipelineSwitch(new PipelineSwitch(pipeline, false, true, T0, ""));

        store.clearPipelineSwitch(pipeline);
        store.clearPipelineSwitch(pipeline);

        assertThat(store.pipelineSwitch(pipeline)).isEmpty();
        assertThat(store.pipelineSwitch(other.pipeline())).contains(other);
    }

    // ---------------------------------------------------------------------------------------- reset

    @Test
    void reset_discards_entries_after_the_target_and_moves_watermark_back() {
        long run = newRun();
        for (int h = 0; h < 4; h++)
            succeed(run, hour(h));

        long discarded = store.reset(pipeline, CursorKind.TIME, Optional.of(Position.endOf(hour(1))));

        assertThat(discarded).isEqualTo(2);
        assertThat(watermark()).contains(Position.endOf(hour(1)));
        assertThat(store.ledger(pipeline, CursorKind.TIME, Optional.empty(), 10))
                .extracting(LedgerEntry::status)
                .containsExactly(WindowStatus.DISCARDED, WindowStatus.DISCARDED, WindowStatus.SUCCEEDED,
                        WindowStatus.SUCCEEDED);
    }

    @Test
    void reset_discards_the_window_that_straddles_the_target() {
        long run = newRun();
        succeed(run, hour(0));
        succeed(run, hour(1));

        long discarded = store.reset(pipeline, CursorKind.TIME, Optional.of(Position.ofInstant(T0.plusSeconds(5400))));

        assertThat(discarded).isEqualTo(1);
        assertThat(store.entriesFrom(pipeline, CursorKind.TIME, Position.startOf(hour(0))))
                .extracting(LedgerEntry::window).containsExactly(hour(0));
    }

    @Test
    void reset_without_a_target_removes_the_watermark_and_discards_every_incremental_entry() {
        long run = newRun();
        succeed(run, hour(0));
        succeed(run, hour(1));

        long discarded = store.reset(pipeline, CursorKind.TIME, Optional.empty());

        assertThat(discarded).isEqualTo(2);
        assertThat(watermark()).isEmpty();
        assertThat(store.entriesFrom(pipeline, CursorKind.TIME, Position.startOf(hour(0)))).isEmpty();
    }

    @Test
    void reset_leaves_backfill_entries_and_other_pipelines_alone() {
        long run = newRun();
        LedgerEntry backfill = store.markSucceeded(store.markRunning(pipeline, run, hour(7), true), Counts.ZERO,
                Optional.empty());
        PipelineId other = newPipeline();
        LedgerEntry otherEntry = store.markRunning(other, run, hour(7), false);

        store.reset(pipeline, CursorKind.TIME, Optional.empty());

        assertThat(store.ledger(pipeline, CursorKind.TIME, Optional.empty(), 10)).containsExactly(backfill);
        assertThat(store.ledger(other, CursorKind.TIME, Optional.empty(), 10)).containsExactly(otherEntry);
    }

    @Test
    void window_run_again_after_a_reset_starts_a_new_entry() {
        long run = newRun();
        LedgerEntry old = succeed(run, hour(0));
        store.reset(pipeline, CursorKind.TIME, Optional.empty());

        LedgerEntry again = store.markRunning(pipeline, newRun(), hour(0), false);

        assertThat(again.id()).isNotEqualTo(old.id());
        assertThat(again.attempt()).isEqualTo(1);
        assertThat(store.entriesFrom(pipeline, CursorKind.TIME, Position.startOf(hour(0)))).containsExactly(again);
    }

    @Test
    void instant_position_resets_a_snapshot_pipeline_under_its_own_cursor_kind() {
        Instant at = Instant.parse("2024-05-01T12:00:00Z");

        store.reset(pipeline, CursorKind.NONE, Optional.of(Position.ofInstant(at)));

        assertThat(store.watermark(pipeline, CursorKind.NONE)).contains(new Position(CursorKind.NONE, at.toString(),
                Position.ofInstant(at).key()));
    }

    @Test
    void id_position_is_refused_for_a_time_pipeline() {
        assertThatThrownBy(() -> store.reset(pipeline, CursorKind.TIME, Optional.of(Position.ofId(5))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pipeline's cursor is time");
        assertThat(watermark()).isEmpty();
    }

    @Test
    void reset_may_move_the_watermark_forward_too() {
        store.reset(pipeline, CursorKind.TIME, Optional.of(Position.endOf(hour(10))));

        assertThat(watermark()).contains(Position.endOf(hour(10)));
    }

    // -------------------------------------------------------------------------------------- cleanup

    static final Instant CUT = T0.plus(Duration.ofDays(1));
    static final Duration LATER = Duration.ofDays(2);

    @Test
    void cleanup_deletes_the_runs_that_finished_before_the_cut_and_left_nothing_on_the_ledger() {
        emptyRun();
        emptyRun();
        clock.advance(LATER);
        emptyRun();

        BooksCleanup deleted = store.cleanup(pipeline, CUT);

        assertThat(deleted).isEqualTo(new BooksCleanup(0, 2, 0));
        assertThat(sequences()).containsExactly(3L);
    }

    @Test
    void cleanup_keeps_the_runs_that_ledger_entries_refer_to() {
        finishedRun(hour(0));
        emptyRun();
        clock.advance(LATER);
        emptyRun();

        store.cleanup(pipeline, CUT);

        assertThat(sequences()).containsExactly(3L, 1L);
    }

    @Test
    void cleanup_never_deletes_a_run_that_has_not_finished() {
        store.startRun(pipeline, RunKind.RUN, "still running");
        clock.advance(LATER);
        emptyRun();

        assertThat(store.cleanup(pipeline, CUT).runs()).isZero();
        assertThat(sequences()).containsExactly(2L, 1L);
    }

    @Test
    void cleanup_keeps_the_latest_run_so_that_the_next_run_is_numbered_after_it() {
        emptyRun();
        emptyRun();
        clock.advance(LATER);

        store.cleanup(pipeline, clock.instant());

        assertThat(sequences()).containsExactly(2L);
        assertThat(emptyRun().sequence()).isEqualTo(3);
    }

    @Test
    void cleanup_deletes_the_errors_of_the_runs_it_deletes() {
        long run = store.startRun(pipeline, RunKind.RUN, "").runId();
        store.recordError(errorAt(Optional.of(run), "E-RUN-GONE", T0));
        store.finishRun(run, RunStatus.FAILED, RunTotals.ZERO, Optional.of("E-RUN-GONE"));
        clock.advance(LATER);
        emptyRun();

        BooksCleanup deleted = store.cleanup(pipeline, CUT);

        assertThat(deleted).isEqualTo(new BooksCleanup(0, 1, 1));
        assertThat(store.error("E-RUN-GONE")).isEmpty();
    }

    @Test
    void cleanup_keeps_an_error_that_a_key_status_names_without_its_deleted_run() {
        long run = store.startRun(pipeline, RunKind.RUN, "").runId();
        ErrorRecord error = errorAt(Optional.of(run), "E-KEY-KEPT", T0);
        store.recordError(error);
        store.putKeyStatus(new KeyStatus(pipeline, "lot-7", KeyOutcome.FAILED, Optional.of("no answer"), Optional.empty(), 1,
                Optional.of("E-KEY-KEPT"), T0));
        store.finishRun(run, RunStatus.SUCCEEDED, RunTotals.ZERO, Optional.empty());
        clock.advance(LATER);
        emptyRun();

        BooksCleanup deleted = store.cleanup(pipeline, CUT);

        assertThat(deleted).isEqualTo(new BooksCleanup(0, 1, 0));
        assertThat(store.error("E-KEY-KEPT")).contains(new ErrorRecord(error.errorId(), pipeline, Optional.empty(), error.code(),
                error.message(), error.context(), error.at()));
    }

    @Test
    void cleanup_keeps_a_failed_window_with_its_run_and_error() {
        long run = newRun();
        store.markFailed(store.markRunning(pipeline, run, hour(0), false), Counts.ZERO, errorAt(Optional.of(run), "E-WINDOW", T0));
        store.finishRun(run, RunStatus.FAILED, new RunTotals(0, 1, Counts.ZERO), Optional.of("E-WINDOW"));
        clock.advance(LATER);
        emptyRun();

        BooksCleanup deleted = store.cleanup(pipeline, CUT);

        assertThat(deleted).isEqualTo(new BooksCleanup(0, 0, 0));
        assertThat(store.errorsOfRun(run)).extracting(ErrorRecord::errorId).containsExactly("E-WINDOW");
        assertThat(store.ledger(pipeline, CursorKind.TIME, Optional.of(WindowStatus.FAILED), 10)).hasSize(1);
    }

    @Test
    void cleanup_deletes_errors_recorded_outside_a_run_before_the_cut_and_keeps_the_others() {
        store.recordError(errorAt(Optional.empty(), "E-NO-RUN-OLD", CUT.minusNanos(1_000)));
        store.recordError(errorAt(Optional.empty(), "E-NO-RUN-AT-CUT", CUT));
        store.recordError(errorAt(Optional.empty(), "E-NO-RUN-NAMED", T0));
        store.putKeyStatus(new KeyStatus(pipeline, "lot-8", KeyOutcome.FAILED, Optional.of("no answer"), Optional.empty(), 1,
                Optional.of("E-NO-RUN-NAMED"), T0));

        BooksCleanup deleted = store.cleanup(pipeline, CUT);

        assertThat(deleted.errors()).isEqualTo(1);
        assertThat(store.error("E-NO-RUN-OLD")).isEmpty();
        assertThat(store.error("E-NO-RUN-AT-CUT")).isPresent();
        assertThat(store.error("E-NO-RUN-NAMED")).isPresent();
    }

    @Test
    void cleanup_deletes_the_discarded_windows_that_finished_before_the_cut_and_keeps_the_rest_of_the_ledger() {
        long run = newRun();
        for (int h = 0; h < 3; h++)
            succeed(run, hour(h));
        store.reset(pipeline, CursorKind.TIME, Optional.of(Position.endOf(hour(0))));
        clock.advance(LATER);
        LedgerEntry again = succeed(newRun(), hour(1));

        BooksCleanup deleted = store.cleanup(pipeline, CUT);

        assertThat(deleted.discardedWindows()).isEqualTo(2);
        assertThat(store.ledger(pipeline, CursorKind.TIME, Optional.empty(), 10)).extracting(LedgerEntry::window, LedgerEntry::status)
                .containsExactly(tuple(hour(1), WindowStatus.SUCCEEDED),
                        tuple(hour(0), WindowStatus.SUCCEEDED));
        assertThat(store.windowCounts(pipeline)).containsEntry(WindowStatus.DISCARDED, 0L);
        assertThat(again.id()).isGreaterThan(store.ledger(pipeline, CursorKind.TIME, Optional.empty(), 10).getLast().id());
    }

    @Test
    void cleanup_keeps_a_discarded_window_that_is_the_newest_entry_on_the_books_so_that_no_id_is_reused() {
        succeed(newRun(), hour(0));
        store.reset(pipeline, CursorKind.TIME, Optional.empty());
        clock.advance(LATER);

        assertThat(store.cleanup(pipeline, CUT).discardedWindows()).isZero();
        LedgerEntry next = store.markRunning(pipeline, newRun(), hour(0), false);
        assertThat(store.cleanup(pipeline, CUT).discardedWindows()).isEqualTo(1);
        assertThat(store.ledger(pipeline, CursorKind.TIME, Optional.empty(), 10)).containsExactly(next);
    }

    @Test
    void cleanup_compares_times_to_the_microsecond() {
        emptyRun();
        clock.advance(Duration.ofMillis(500));
        emptyRun();
        clock.advance(Duration.ofNanos(1_000));
        emptyRun();
        clock.advance(LATER);
        emptyRun();

        store.cleanup(pipeline, T0.plusMillis(500));

        assertThat(sequences()).containsExactly(4L, 3L, 2L);
    }

    @Test
    void cleanup_leaves_key_statuses_the_watermark_the_lease_and_the_switch_alone() {
        finishedRun(hour(0));
        KeyStatus key = new KeyStatus(pipeline, "lot-1", KeyOutcome.SUCCEEDED, Optional.empty(), Optional.empty(), 1,
                Optional.empty(), T0);
        store.putKeyStatus(key);
        PipelineSwitch off = new PipelineSwitch(pipeline, false, true, T0, "");
        store.setPipelineSwitch(off);
        clock.advance(LATER);
        store.acquireLease(pipeline, "4242@some-other-host", TTL);

        store.cleanup(pipeline, clock.instant());

        assertThat(watermark()).contains(Position.endOf(hour(0)));
        assertThat(store.keyStatuses(pipeline, Optional.empty())).containsExactly(key);
        assertThat(store.leaseHolder(pipeline)).isPresent();
        assertThat(store.pipelineSwitch(pipeline)).contains(off);
    }

    @Test
    void cleanup_leaves_other_pipelines_alone() {
        PipelineId other = newPipeline();
        for (int i = 0; i < 2; i++) {
            RunRecord r = store.startRun(other, RunKind.RUN, "");
            store.finishRun(r.runId(), RunStatus.UP_TO_DATE, RunTotals.ZERO, Optional.empty());
        }
        store.recordError(new ErrorRecord("E-OTHER-PIPELINE", other, Optional.empty(), ErrorCode.INTERNAL, "x", Map.of(), T0));
        clock.advance(LATER);

        assertThat(store.cleanup(pipeline, clock.instant())).isEqualTo(BooksCleanup.NONE);
        assertThat(store.runs(other, 10)).hasSize(2);
        assertThat(store.error("E-OTHER-PIPELINE")).isPresent();
    }

    @Test
    void cleanup_preview_counts_what_cleanup_would_delete_and_deletes_nothing() {
        long failed = store.startRun(pipeline, RunKind.RUN, "").runId();
        store.recordError(errorAt(Optional.of(failed), "E-PREVIEW", T0));
        store.finishRun(failed, RunStatus.FAILED, RunTotals.ZERO, Optional.of("E-PREVIEW"));
        finishedRun(hour(0), hour(1));
        store.reset(pipeline, CursorKind.TIME, Optional.of(Position.endOf(hour(0))));
        clock.advance(LATER);
        finishedRun(hour(1));

        BooksCleanup preview = store.cleanupPreview(pipeline, CUT);

        assertThat(preview).isEqualTo(new BooksCleanup(1, 1, 1));
        assertThat(sequences()).containsExactly(3L, 2L, 1L);
        assertThat(store.error("E-PREVIEW")).isPresent();
        assertThat(store.windowCounts(pipeline)).containsEntry(WindowStatus.DISCARDED, 1L);
        assertThat(store.cleanup(pipeline, CUT)).isEqualTo(preview);
    }

    // ----------------------------------------------------------------------------- sharing, closing

    @Test
    void store_is_safe_to_share_between_virtual_threads() throws Exception {
        long run = newRun();
        List<Future<?>> futures = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < 8; t++) {
                int thread = t;
                futures.add(executor.submit(() -> {
                    for (int i = 0; i < 25; i++)
                        succeed(run, hour(thread * 25 + i));
                    return null;
                }));
            }
        }
        for (Future<?> f : futures)
            f.get();

        assertThat(store.windowCounts(pipeline)).containsEntry(WindowStatus.SUCCEEDED, 200L);
        assertThat(watermark()).contains(Position.endOf(hour(199)));
    }

    @Test
    void books_survive_closing_and_reopening() {
        long run = newRun();
        succeed(run, hour(0));
        store.close();

        store = open(clock);

        assertThat(watermark()).contains(Position.endOf(hour(0)));
        assertThat(store.runs(pipeline, 10)).extracting(RunRecord::runId).containsExactly(run);
    }

    @Test
    void closed_store_refuses_calls() {
        store.close();

        assertFailsWith(ErrorCode.STATE_UNAVAILABLE, this::watermark).hasMessageContaining("closed");
    }

    @Test
    void description_carries_no_password() {
        assertThat(store.describe()).doesNotContainIgnoringCase("password");
    }
}
