package dev.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.PipelineId;
import dev.sluice.core.SluiceException;
import dev.sluice.core.config.PipelineConfig;
import dev.sluice.core.config.PipelineConfig.PipelineStep;
import dev.sluice.core.config.ServiceSettings;
import dev.sluice.core.runner.RunListener;
import dev.sluice.core.runner.RunResult;
import dev.sluice.core.runner.Runner;
import dev.sluice.core.runner.StopSignal;
import dev.sluice.core.spi.DataRecord;
import dev.sluice.core.spi.KeyResult;
import dev.sluice.core.spi.Page;
import dev.sluice.core.spi.Step;
import dev.sluice.core.spi.StepContext;
import dev.sluice.core.spi.StepResult;
import dev.sluice.core.state.KeyStatus;
import dev.sluice.core.state.LedgerEntry;
import dev.sluice.core.state.Position;
import dev.sluice.core.state.RunKind;
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
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the runner puts steps between source and sink: counts, key status, failures and replay of failed keys. */
class StepRunnerTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final Clock NOW = Clock.fixed(Instant.parse("2025-01-01T03:00:00Z"), ZoneOffset.UTC);
    private static final PipelineId ID = new PipelineId("steps");

    @TempDir
    Path dir;
    StateStore store;
    ScriptedSource source = new ScriptedSource();
    MemorySink sink = new MemorySink();
    /** Values the step fails (records its key as failed and drops the record); changeable between runs. */
    Set<String> failing = ConcurrentHashMap.newKeySet();
    boolean failWindow;

    @BeforeEach
    void openStore() {
        store = StateStores.open("sqlite:" + dir.resolve("state.db"));
        for (int h = 0; h < 3; h++) {
            TimeWindow w = hour(h);
            source.scripts.put(w, (window, after) -> new Page(List.of(ScriptedSource.record(w.start() + "/a"),
                    ScriptedSource.record(w.start() + "/b")), Optional.empty(), 1));
        }
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    /** Passes records whose value is not failing, with their value as key; counts one declared-empty answer per page. */
    private final Step step = new Step() {
        @Override
        public void open(StepContext context) {
        }

        @Override
        public StepResult apply(Window window, List<DataRecord> records) {
            if (failWindow)
                throw new SluiceException(ErrorCode.SOURCE_UNAVAILABLE, "lookup service down");
            var out = new ArrayList<DataRecord>();
            var keys = new ArrayList<KeyResult>();
            for (DataRecord r : records) {
                String key = r.data().get("value").asString();
                if (failing.contains(key)) {
                    keys.add(KeyResult.failed(key, "all requests returned empty", ErrorCode.STEP_FAILED));
                } else {
                    keys.add(KeyResult.succeeded(key, "primary"));
                    out.add(r);
                }
            }
            return new StepResult(out, keys, keys.size() - out.size(), 1);
        }

        @Override
        public void close() {
        }
    };

    private PipelineConfig pipeline() {
        var windows = WindowSettings.time(T0, Optional.of(Span.parse("1h")));
        return new PipelineConfig(ID, dir.resolve("steps.yaml"), "", Optional.empty(), windows, "scripted", source, "memory", sink,
                List.of(new PipelineStep("lookup", "scripted", step)), 1, ServiceSettings.DEFAULT);
    }

    private Runner runner() {
        return new Runner(pipeline(), store, NOW, new RunListener() { }, new StopSignal(), Leases.currentHolder());
    }

    private static TimeWindow hour(int i) {
        return new TimeWindow(T0.plusSeconds(3600L * i), T0.plusSeconds(3600L * (i + 1)));
    }

    private Optional<KeyStatus> key(String key) {
        return store.keyStatuses(ID, Optional.empty()).stream().filter(k -> k.key().equals(key)).findFirst();
    }

    private LedgerEntry entry(Window w) {
        return store.ledger(ID, CursorKind.TIME, Optional.empty(), 100).stream().filter(e -> e.window().equals(w)).findFirst().orElseThrow();
    }

    @Test
    void the_ledger_counts_what_steps_rejected_and_the_answers_taken_as_empty() {
        failing.add(hour(1).start() + "/b");

        runner().run();

        var counts = entry(hour(1)).counts();
        assertThat(counts.read()).isEqualTo(2);
        assertThat(counts.written()).isEqualTo(1);
        assertThat(counts.rejected()).isEqualTo(1);
        assertThat(counts.emptyAnswers()).isEqualTo(2); // one from the source's page, one from the step
    }

    @Test
    void every_key_is_on_the_books_with_its_window_and_the_request_that_answered() {
        String bad = hour(1).start() + "/b";
        failing.add(bad);

        runner().run();

        KeyStatus good = key(hour(1).start() + "/a").orElseThrow();
        assertThat(good.outcome()).isEqualTo(KeyStatus.KeyOutcome.SUCCEEDED);
        assertThat(good.answeredBy()).contains("lookup: primary");
        assertThat(good.window()).contains(hour(1));
        KeyStatus failed = key(bad).orElseThrow();
        assertThat(failed.outcome()).isEqualTo(KeyStatus.KeyOutcome.FAILED);
        assertThat(failed.reason()).contains("lookup: all requests returned empty");
        assertThat(failed.errorId()).isPresent();
        assertThat(store.error(failed.errorId().get())).map(e -> e.context().get("key")).contains(bad);
    }

    @Test
    void a_step_that_fails_the_window_leaves_the_watermark_before_it() {
        failWindow = true;

        RunResult result = runner().run();

        assertThat(result.status()).isEqualTo(RunStatus.FAILED);
        assertThat(result.errors().getFirst().code()).isEqualTo(ErrorCode.SOURCE_UNAVAILABLE);
        assertThat(store.watermark(ID, CursorKind.TIME)).isEmpty();
        assertThat(entry(hour(0)).status()).isEqualTo(WindowStatus.FAILED);
        assertThat(sink.committed).isEmpty();
    }

    @Test
    void replaying_failed_keys_runs_only_their_windows_again_and_keeps_the_watermark() {
        String bad = hour(1).start() + "/b";
        failing.add(bad);
        runner().run();
        Optional<Position> watermark = store.watermark(ID, CursorKind.TIME);
        source.reads.clear();
        failing.clear(); // the lookup answers now

        RunResult replay = runner().replayFailedKeys();

        assertThat(replay.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(source.reads).containsExactly(hour(1));
        assertThat(sink.committed.get(hour(1))).extracting(r -> r.data().get("value").asString())
                .containsExactly(hour(1).start() + "/a", bad);
        KeyStatus now = key(bad).orElseThrow();
        assertThat(now.outcome()).isEqualTo(KeyStatus.KeyOutcome.SUCCEEDED);
        assertThat(now.attempts()).isEqualTo(2);
        assertThat(store.watermark(ID, CursorKind.TIME)).isEqualTo(watermark);
        assertThat(store.runs(ID, 1).getFirst().kind()).isEqualTo(RunKind.REPLAY);
    }

    @Test
    void replay_with_no_failed_keys_runs_nothing() {
        runner().run();
        source.reads.clear();

        RunResult replay = runner().replayFailedKeys();

        assertThat(source.reads).isEmpty();
        assertThat(replay.windowsSucceeded()).isZero();
        assertThat(replay.note()).isEqualTo("no failed keys to replay");
    }
}
