package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import dev.sluice.server.alert.AlertSettings;
import dev.sluice.server.alert.Alerter;
import static org.awaitility.Awaitility.await;

import dev.sluice.core.PipelineId;
import dev.sluice.core.state.RunStatus;
import dev.sluice.core.state.WindowStatus;
import dev.sluice.core.state.RunRecord;
import dev.sluice.core.state.StateStore;
import dev.sluice.state.StateStores;
import dev.sluice.testkit.TestClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service's scheduling, driven by a test clock: the test reads the folder and ticks at instants
 * of its choosing, as the control thread would, and reads the runs from the books.
 */
class SchedulingTest {
    private static final Instant T0 = Instant.parse("2025-01-01T03:00:00Z");
    /** Every minute, and each window takes a little while: six records 20 ms apart. */
    private static final String SLOW = """
            name: p
            state: sqlite:state.db
            windows: {cursor: time, start: 2025-01-01T00:00:00Z, size: 1h}
            source: {type: generate, every: 10m, pause_per_record: 20ms}
            sink: {type: jsonl, path: out}
            schedule: {every: 1m}
            """;

    @TempDir
    Path dir;
    final TestClock clock = new TestClock(T0);
    Served served;

    @AfterEach
    void stop() {
        if (served != null)
            served.close();
    }

    private static String pipeline(String name, String schedule, String extra) {
        return """
                name: %s
                state: sqlite:state.db
                windows: {cursor: time, start: 2025-01-01T00:00:00Z, size: 1h}
                source: {type: generate, every: 30m}
                sink: {type: jsonl, path: out-%s}
                schedule: %s
                %s
                """.formatted(name, name, schedule, extra);
    }

    private Served start() {
        served = Served.manual(dir, "127.0.0.1", clock, Alerter.start(AlertSettings.none(), clock));
        return served;
    }

    private void tickAt(Instant t) {
        clock.set(t);
        served.service.tick(t);
        await().atMost(Duration.ofSeconds(30)).until(served.service::idle);
    }

    private List<RunRecord> runs(String name) {
        try (StateStore store = StateStores.open("sqlite:" + dir.resolve("state.db"))) {
            return store.runs(new PipelineId(name), 1000);
        }
    }

    private long windows(WindowStatus status) {
        try (StateStore store = StateStores.open("sqlite:" + dir.resolve("state.db"))) {
            return store.windowCounts(new PipelineId("p")).get(status);
        }
    }

    @Test
    void an_interval_pipeline_runs_when_loaded_and_again_only_after_its_interval() {
        Served.write(dir, "p.yaml", pipeline("p", "{every: 1h}", ""));
        start();
        tickAt(T0);
        tickAt(T0.plus(Duration.ofMinutes(59)));
        assertThat(runs("p")).hasSize(1);
        tickAt(T0.plus(Duration.ofMinutes(60)));
        assertThat(runs("p")).hasSize(2);
    }

    @Test
    void a_cron_pipeline_runs_at_its_local_time_in_its_time_zone() {
        // 09:00 in Paris is 08:00 UTC in winter.
        Served.write(dir, "p.yaml", pipeline("p", "{cron: \"0 9 * * *\", timezone: Europe/Paris}", ""));
        start();
        tickAt(T0);
        tickAt(Instant.parse("2025-01-01T07:59:59Z"));
        assertThat(runs("p")).isEmpty();
        tickAt(Instant.parse("2025-01-01T08:00:00Z"));
        assertThat(runs("p")).singleElement().satisfies(r -> {
            assertThat(r.startedAt()).isEqualTo(Instant.parse("2025-01-01T08:00:00Z"));
            assertThat(r.details()).isEqualTo("scheduled for 2025-01-01T08:00:00Z");
        });
    }

    @Test
    void a_run_still_going_when_the_next_is_due_is_not_doubled_and_the_next_runs_once_after_it() {
        Served.write(dir, "p.yaml", SLOW);
        start();
        clock.set(T0);
        served.service.tick(T0);
        Slot slot = served.service.slot("p");
        assertThat(slot.active()).isPresent();
        // Three more ticks come due while the first run goes.
        for (int m = 1; m <= 3; m++) {
            clock.set(T0.plus(Duration.ofMinutes(m)));
            served.service.tick(clock.instant());
        }
        await().atMost(Duration.ofSeconds(30)).until(served.service::idle);
        assertThat(runs("p")).hasSize(1);
        tickAt(T0.plus(Duration.ofMinutes(3)));
        tickAt(T0.plus(Duration.ofMinutes(3).plusSeconds(30)));
        assertThat(runs("p")).hasSize(2);
    }

    @Test
    void after_downtime_a_missed_schedule_runs_once_not_once_per_missed_tick() {
        Served.write(dir, "p.yaml", pipeline("p", "{cron: \"*/5 * * * *\"}", ""));
        start();
        tickAt(Instant.parse("2025-01-01T03:00:00Z"));
        assertThat(runs("p")).as("a cron schedule with no history waits for its next tick").isEmpty();
        tickAt(Instant.parse("2025-01-01T03:05:00Z"));
        assertThat(runs("p")).hasSize(1);
        served.close();
        // Down for an hour: twelve ticks missed.
        clock.set(Instant.parse("2025-01-01T04:02:00Z"));
        start();
        tickAt(Instant.parse("2025-01-01T04:02:00Z"));
        tickAt(Instant.parse("2025-01-01T04:03:00Z"));
        tickAt(Instant.parse("2025-01-01T04:04:59Z"));
        assertThat(runs("p")).hasSize(2);
        tickAt(Instant.parse("2025-01-01T04:05:00Z"));
        assertThat(runs("p")).hasSize(3);
    }

    @Test
    void a_pipeline_disabled_in_its_file_is_loaded_but_not_scheduled() {
        Served.write(dir, "p.yaml", pipeline("p", "{every: 1m}", "enabled: false"));
        start();
        tickAt(T0);
        tickAt(T0.plus(Duration.ofMinutes(5)));
        assertThat(runs("p")).isEmpty();
        assertThat(served.service.slot("p").enabled()).isFalse();
    }

    @Test
    void a_pipeline_disabled_through_the_api_stays_disabled_after_a_restart() {
        Served.write(dir, "p.yaml", pipeline("p", "{every: 1m}", ""));
        start();
        served.service.setEnabled("p", false, "vendor maintenance");
        served.close();
        start();
        tickAt(T0);
        assertThat(runs("p")).isEmpty();
        assertThat(served.service.slot("p").enabledBy()).isEqualTo("api");
    }

    @Test
    void a_later_edit_of_the_files_enabled_key_wins_over_the_apis_switch() {
        Served.write(dir, "p.yaml", pipeline("p", "{every: 1m}", "enabled: false"));
        start();
        served.service.setEnabled("p", true, "");
        Served.write(dir, "p.yaml", pipeline("p", "{every: 1m}", "enabled: true"));
        served.service.reload();
        Served.write(dir, "p.yaml", pipeline("p", "{every: 1m}", "enabled: false"));
        served.service.reload();
        assertThat(served.service.slot("p").enabled()).isFalse();
        assertThat(served.service.slot("p").enabledBy()).isEqualTo("file");
    }

    @Test
    void a_changed_file_that_validates_replaces_the_schedule_without_a_restart() {
        Served.write(dir, "p.yaml", pipeline("p", "{every: 1h}", ""));
        start();
        tickAt(T0);
        Served.write(dir, "p.yaml", pipeline("p", "{every: 1m}", ""));
        served.service.reload();
        tickAt(T0.plus(Duration.ofMinutes(1)));
        assertThat(runs("p")).hasSize(2);
    }

    @Test
    void a_changed_file_that_does_not_validate_is_refused_and_the_version_before_it_keeps_running() {
        Served.write(dir, "p.yaml", pipeline("p", "{every: 1m}", ""));
        start();
        tickAt(T0);
        Served.write(dir, "p.yaml", pipeline("p", "{every: 1m, cron: \"* * * * *\"}", ""));
        served.service.reload();
        assertThat(served.service.slot("p").refusedChange).get().asString().contains("p.yaml");
        tickAt(T0.plus(Duration.ofMinutes(1)));
        assertThat(runs("p")).hasSize(2);
    }

    @Test
    void one_bad_file_is_reported_and_skipped_while_the_others_run() {
        Served.write(dir, "good.yaml", pipeline("good", "{every: 1m}", ""));
        Served.write(dir, "bad.yaml", "name: bad\nwindows: {size: 1h}\nsource: {type: nothing}\n");
        start();
        tickAt(T0);
        assertThat(runs("good")).hasSize(1);
        assertThat(served.service.invalidFiles()).containsOnlyKeys(dir.resolve("bad.yaml"));
        assertThat(served.service.invalidFiles().values().iterator().next()).contains("bad.yaml").contains("nothing");
    }

    @Test
    void a_second_file_with_a_name_already_in_use_is_refused() {
        Served.write(dir, "a.yaml", pipeline("same", "{every: 1m}", ""));
        Served.write(dir, "b.yaml", pipeline("same", "{every: 1m}", ""));
        start();
        assertThat(served.service.slot("same").file).isEqualTo(dir.resolve("a.yaml"));
        assertThat(served.service.invalidFiles().get(dir.resolve("b.yaml"))).contains("already used by a.yaml");
    }

    @Test
    void a_file_refused_for_its_name_loads_once_the_file_that_had_the_name_is_gone() throws Exception {
        Path a = Served.write(dir, "a.yaml", pipeline("same", "{every: 1m}", ""));
        Served.write(dir, "b.yaml", pipeline("same", "{every: 1m}", ""));
        start();
        java.nio.file.Files.delete(a);
        served.service.reload();
        served.service.reload();
        assertThat(served.service.slot("same").file).isEqualTo(dir.resolve("b.yaml"));
        assertThat(served.service.invalidFiles()).isEmpty();
    }

    @Test
    void a_removed_file_is_no_longer_scheduled() throws Exception {
        Path file = Served.write(dir, "p.yaml", pipeline("p", "{every: 1m}", ""));
        start();
        tickAt(T0);
        java.nio.file.Files.delete(file);
        served.service.reload();
        tickAt(T0.plus(Duration.ofMinutes(5)));
        assertThat(runs("p")).hasSize(1);
        assertThat(served.service.slots()).isEmpty();
    }

    @Test
    void the_cleanup_schedule_trims_old_runs_that_found_nothing_to_do_and_keeps_those_with_windows() {
        Served.write(dir, "p.yaml", """
                name: p
                state: sqlite:state.db
                windows: {cursor: time, start: 2025-01-01T00:00:00Z, end: 2025-01-01T03:00:00Z, size: 1h}
                source: {type: generate, every: 30m}
                sink: {type: jsonl, path: out}
                schedule: {every: 1m}
                """);
        var base = ServeSettings.defaults().withListen("127.0.0.1", 0);
        var settings = new ServeSettings(base.host(), base.port(), base.reload(), base.grace(), base.maxConcurrentRuns(), base.tokens(),
                java.util.Optional.of(Duration.ofDays(1)), Duration.ofDays(1), base.alerts());
        served = Served.manual(dir, settings, clock, Alerter.start(AlertSettings.none(), clock));
        for (int m = 0; m < 5; m++)
            tickAt(T0.plus(Duration.ofMinutes(m)));
        assertThat(runs("p")).hasSize(5); // the first wrote three windows, the others were up to date
        tickAt(T0.plus(Duration.ofDays(2)));
        // Kept: the run that wrote the windows (the ledger refers to it) and the latest run.
        List<RunRecord> kept = runs("p");
        assertThat(kept).hasSize(2);
        assertThat(kept.get(kept.size() - 1).totals().windowsSucceeded()).isEqualTo(3);
    }

    @Test
    void a_stop_lets_running_windows_commit_and_leaves_nothing_half_written() {
        Served.write(dir, "p.yaml", SLOW);
        start();
        clock.set(T0);
        served.service.tick(T0);
        await().atMost(Duration.ofSeconds(30)).until(() -> windows(WindowStatus.RUNNING) == 1);
        served.close();
        served = null;
        assertThat(runs("p")).singleElement().satisfies(r -> {
            assertThat(r.finishedAt()).isPresent();
            assertThat(r.status()).isEqualTo(RunStatus.INTERRUPTED);
        });
        assertThat(windows(WindowStatus.RUNNING)).isZero();
        assertThat(windows(WindowStatus.SUCCEEDED)).isEqualTo(1);
        assertThat(windows(WindowStatus.FAILED)).isZero();
    }
}
