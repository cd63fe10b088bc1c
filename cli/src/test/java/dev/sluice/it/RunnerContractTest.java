package dev.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.PipelineId;
import dev.sluice.core.SluiceException;
import dev.sluice.core.config.PipelineConfig;
import dev.sluice.core.runner.RunListener;
import dev.sluice.core.runner.RunResult;
import dev.sluice.core.runner.Runner;
import dev.sluice.core.runner.StopSignal;
import dev.sluice.core.spi.Page;
import dev.sluice.core.state.Counts;
import dev.sluice.core.state.LedgerEntry;
import dev.sluice.core.state.Position;
import dev.sluice.core.state.RunStatus;
import dev.sluice.core.state.StateStore;
import dev.sluice.core.state.WindowStatus;
import dev.sluice.core.window.CursorKind;
import dev.sluice.core.window.Span;
import dev.sluice.core.window.TimeWindow;
import dev.sluice.core.window.Window;
import dev.sluice.core.window.WindowSettings;
import dev.sluice.state.Leases;
import dev.sluice.state.StateStores;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner's commit protocol (DESIGN.md section 3) on a real SQLite state store, with scripted fakes for source and sink. */
class RunnerContractTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final Clock NOW = Clock.fixed(Instant.parse("2025-01-01T04:00:00Z"), ZoneOffset.UTC);
    private static final PipelineId ID = new PipelineId("contract");

    @TempDir
    Path dir;
    StateStore store;
    ScriptedSource source = new ScriptedSource();
    MemorySink sink = new MemorySink();

    @BeforeEach
    void openStore() {
        store = StateStores.open("sqlite:" + dir.resolve("state.db"));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private PipelineConfig pipeline(int parallelism) {
        var windows = WindowSettings.time(T0, Optional.of(Span.parse("1h")));
        return new PipelineConfig(ID, dir.resolve("contract.yaml"), "", Optional.empty(), windows, "scripted", source, "memory", sink, parallelism);
    }

    private RunResult run(int parallelism, RunListener listener, StopSignal stop) {
        return new Runner(pipeline(parallelism), store, NOW, listener, stop, Leases.currentHolder()).run();
    }

    private static TimeWindow hour(int i) {
        return new TimeWindow(T0.plusSeconds(3600L * i), T0.plusSeconds(3600L * (i + 1)));
    }

    private Optional<Position> watermark() {
        return store.watermark(ID, CursorKind.TIME);
    }

    @Test
    void the_watermark_does_not_pass_an_earlier_window_that_is_still_running() throws Exception {
        var releaseFirst = new CountDownLatch(1);
        var secondCommitted = new CountDownLatch(1);
        source.scripts.put(hour(0), (w, after) -> {
            await(releaseFirst);
            return Page.last(List.of(ScriptedSource.record("first")));
        });
        RunListener listener = new RunListener() {
            @Override
            public void windowCommitted(Window window, Counts counts) {
                if (window.equals(hour(1)))
                    secondCommitted.countDown();
            }
        };

        var run = CompletableFuture.supplyAsync(() -> run(2, listener, new StopSignal()));
        assertThat(secondCommitted.await(30, TimeUnit.SECONDS)).isTrue();
        Optional<Position> whileFirstRuns = watermark();
        releaseFirst.countDown();
        RunResult result = run.get(30, TimeUnit.SECONDS);

        assertThat(whileFirstRuns).isEmpty();
        assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(watermark()).map(Position::text).contains("2025-01-01T04:00:00Z");
    }

    @Test
    void a_failed_window_blocks_the_watermark_and_the_next_run_retries_it_before_new_windows() throws Exception {
        var secondCommitted = new CountDownLatch(1);
        source.scripts.put(hour(0), (w, after) -> {
            await(secondCommitted);
            throw new IOException("connection reset by peer");
        });
        RunListener listener = new RunListener() {
            @Override
            public void windowCommitted(Window window, Counts counts) {
                if (window.equals(hour(1)))
                    secondCommitted.countDown();
            }
        };

        RunResult first = run(2, listener, new StopSignal());

        assertThat(first.status()).isEqualTo(RunStatus.FAILED);
        assertThat(first.errors()).singleElement().satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_UNAVAILABLE));
        assertThat(watermark()).isEmpty();
        LedgerEntry failed = store.ledger(ID, CursorKind.TIME, Optional.of(WindowStatus.FAILED), 10).getFirst();
        assertThat(failed.window()).isEqualTo(hour(0));
        assertThat(store.error(failed.errorId().orElseThrow())).get().satisfies(e -> assertThat(e.message()).contains("connection reset by peer"));

        source.scripts.clear();
        source.reads.clear();
        var planned = new java.util.concurrent.CopyOnWriteArrayList<Window>();
        RunResult second = run(2, new RunListener() {
            @Override
            public void planned(java.util.List<Window> windows, String note) {
                planned.addAll(windows);
            }
        }, new StopSignal());

        assertThat(second.status()).isEqualTo(RunStatus.SUCCEEDED);
        // Dispatched first; with two windows at once, either may be the first to reach the source.
        assertThat(planned.getFirst()).isEqualTo(hour(0));
        assertThat(source.reads).contains(hour(0));
        assertThat(source.reads).doesNotContain(hour(1));
        assertThat(watermark()).map(Position::text).contains("2025-01-01T04:00:00Z");
        assertThat(store.ledger(ID, CursorKind.TIME, Optional.empty(), 10)).filteredOn(e -> e.window().equals(hour(0)))
                .singleElement().satisfies(e -> assertThat(e.attempt()).isEqualTo(2));
    }

    @Test
    void stopping_a_run_discards_the_window_in_flight_and_the_next_run_retries_it() {
        var stop = new StopSignal();
        source.scripts.put(hour(1), (w, after) -> {
            if (after.isEmpty())
                return Page.more(List.of(ScriptedSource.record("page 1")), "2");
            if (after.get().equals("2")) {
                stop.request(); // a signal arrives while the window is half read
                return Page.more(List.of(ScriptedSource.record("page 2")), "3");
            }
            return Page.last(List.of(ScriptedSource.record("page 3")));
        });

        RunResult stopped = run(1, RunListener.NONE, stop);

        assertThat(stopped.status()).isEqualTo(RunStatus.INTERRUPTED);
        assertThat(sink.committed).containsOnlyKeys(hour(0));
        assertThat(watermark()).map(Position::text).contains("2025-01-01T01:00:00Z");
        assertThat(stopped.errors()).singleElement().satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.RUN_INTERRUPTED));

        source.scripts.clear();
        RunResult resumed = run(1, RunListener.NONE, new StopSignal());

        assertThat(resumed.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(sink.committed).containsOnlyKeys(hour(0), hour(1), hour(2), hour(3));
    }

    @Test
    void a_source_that_returns_the_same_page_position_twice_fails_the_window_instead_of_looping() {
        source.scripts.put(hour(0), (w, after) -> Page.more(List.of(ScriptedSource.record("again")), "token-7"));

        RunResult result = run(1, RunListener.NONE, new StopSignal());

        assertThat(result.status()).isEqualTo(RunStatus.FAILED);
        SluiceException error = result.errors().getFirst();
        assertThat(error.code()).isEqualTo(ErrorCode.SOURCE_INVALID_DATA);
        assertThat(error.getMessage()).contains("token-7").contains("twice");
        assertThat(sink.committed).isEmpty();
    }

    @Test
    void after_a_failure_no_new_window_is_started() {
        source.scripts.put(hour(0), (w, after) -> {
            throw new IOException("HTTP 503");
        });

        run(1, RunListener.NONE, new StopSignal());

        assertThat(source.reads).containsExactly(hour(0));
    }

    @Test
    void a_window_run_again_replaces_its_output_rather_than_adding_to_it() {
        run(1, RunListener.NONE, new StopSignal());
        store.reset(ID, CursorKind.TIME, Optional.of(Position.ofInstant(T0.plusSeconds(7200))));

        run(1, RunListener.NONE, new StopSignal());

        assertThat(sink.committed.get(hour(2))).hasSize(1);
        assertThat(store.windowCounts(ID)).containsEntry(WindowStatus.SUCCEEDED, 4L).containsEntry(WindowStatus.DISCARDED, 2L);
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS))
                throw new IllegalStateException("the test's gate was never opened");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
