package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.PipelineId;
import dev.sluice.state.StateStores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class CommandLineTest {
    @TempDir
    Path dir;
    Path file;

    private static final String HOURS = """
            name: hours
            windows:
              cursor: time
              start: 2025-01-01T00:00:00Z
              end: 2025-01-01T06:00:00Z
              size: 1h
            source:
              type: generate
              every: 1m
            sink:
              type: jsonl
              path: out
            """;

    @BeforeEach
    void writePipeline() throws IOException {
        file = CliRun.pipeline(dir, "hours.yaml", HOURS);
    }

    @Test
    void a_command_prints_its_usage_with_help_even_without_its_required_arguments() {
        CliRun r = CliRun.of("status", "--help");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Usage: sluice status", "FILE", "--json");
    }

    @Test
    void run_commits_every_window_and_reports_the_new_watermark() {
        CliRun r = CliRun.of("run", file.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("6 window(s) committed, 0 failed").contains("360 records read, 360 written")
                .contains("watermark: (none) -> 2025-01-01T06:00:00Z");
    }

    @Test
    void a_second_run_says_it_is_up_to_date_and_exits_zero() {
        CliRun.of("run", file.toString());

        CliRun again = CliRun.of("run", file.toString());

        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).containsIgnoringCase("up to date");
    }

    @Test
    void plan_json_prints_only_the_array_of_windows() throws Exception {
        CliRun r = CliRun.of("plan", file.toString(), "--watermark", "2025-01-01T04:00:00Z", "--json");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out().strip()).isEqualTo("[{\"start\":\"2025-01-01T04:00:00Z\",\"end\":\"2025-01-01T05:00:00Z\"},"
                + "{\"start\":\"2025-01-01T05:00:00Z\",\"end\":\"2025-01-01T06:00:00Z\"}]");
    }

    @Test
    void plan_json_prints_numbers_for_an_id_cursor() throws IOException {
        Path ids = CliRun.pipeline(dir, "ids.yaml", """
                windows: {cursor: id, start: 1, end: 251, size: 100}
                source: {type: generate}
                sink: {type: jsonl, path: out-ids}
                """);

        CliRun r = CliRun.of("plan", ids.toString(), "--json");

        assertThat(r.out().strip()).isEqualTo("[{\"start\":1,\"end\":101},{\"start\":101,\"end\":201},{\"start\":201,\"end\":251}]");
    }

    @Test
    void plan_reproduces_a_seed_003_case_from_now_and_watermark() throws IOException {
        Path day = CliRun.pipeline(dir, "day.yaml", """
                windows:
                  target_day: {back: 1d}
                  size: 3h
                  timezone: America/Los_Angeles
                  max_windows: 1
                source: {type: generate}
                sink: {type: jsonl, path: out-day}
                """);

        CliRun r = CliRun.of("plan", day.toString(), "--now", "2025-07-01T17:00:00Z", "--watermark", "2025-07-01T05:00:00Z", "--json");

        assertThat(r.out().strip()).isEqualTo("[{\"start\":\"2025-07-01T05:00:00Z\",\"end\":\"2025-07-01T07:00:00Z\"}]");
    }

    @Test
    void run_on_a_completed_target_day_says_already_complete_and_exits_zero() throws IOException {
        Path day = CliRun.pipeline(dir, "day.yaml", """
                windows:
                  target_day: {back: 1d}
                  size: 6h
                  timezone: America/Los_Angeles
                source: {type: generate, every: 1h}
                sink: {type: jsonl, path: out-day}
                """);
        CliRun.of("run", day.toString(), "--now", "2025-07-01T17:00:00Z");

        CliRun again = CliRun.of("run", day.toString(), "--now", "2025-07-01T17:00:00Z");

        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).contains("already complete");
    }

    @Test
    void status_json_shows_the_watermark_and_windows_by_status() throws Exception {
        CliRun.of("run", file.toString());

        CliRun r = CliRun.of("status", file.toString(), "--json");

        JsonNode status = Reports.JSON.readTree(r.out());
        assertThat(status.get("watermark").asString()).isEqualTo("2025-01-01T06:00:00Z");
        assertThat(status.get("windows").get("succeeded").asLong()).isEqualTo(6);
        assertThat(status.get("windows").get("failed").asLong()).isZero();
        assertThat(status.get("last_run").get("sequence").asLong()).isEqualTo(1);
    }

    @Test
    void status_of_a_pipeline_that_never_ran_creates_no_state_file() {
        CliRun r = CliRun.of("status", file.toString());

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("watermark: (none)").contains("not created yet");
        assertThat(dir.resolve(".sluice")).doesNotExist();
    }

    @Test
    void history_numbers_the_runs_of_a_pipeline() throws Exception {
        CliRun.of("run", file.toString());
        CliRun.of("run", file.toString());

        CliRun r = CliRun.of("history", file.toString(), "--json");

        JsonNode runs = Reports.JSON.readTree(r.out());
        assertThat(runs).hasSize(2);
        assertThat(runs.get(0).get("sequence").asLong()).isEqualTo(2);
        assertThat(runs.get(0).get("status").asString()).isEqualTo("up_to_date");
        assertThat(runs.get(1).get("status").asString()).isEqualTo("succeeded");
    }

    @Test
    void backfill_records_backfill_windows_and_never_moves_the_watermark() throws Exception {
        CliRun.of("run", file.toString());
        CliRun.of("reset", file.toString(), "--to", "2025-01-01T02:00:00Z", "--yes");

        CliRun r = CliRun.of("backfill", file.toString(), "--from", "2025-01-01T03:00:00Z", "--to", "2025-01-01T05:00:00Z");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("2 window(s) committed");
        JsonNode status = Reports.JSON.readTree(CliRun.of("status", file.toString(), "--json").out());
        assertThat(status.get("watermark").asString()).isEqualTo("2025-01-01T02:00:00Z");
        JsonNode runs = Reports.JSON.readTree(CliRun.of("history", file.toString(), "--json").out());
        assertThat(runs.get(0).get("kind").asString()).isEqualTo("backfill");
    }

    @Test
    void demo_api_refuses_an_unknown_profile_and_names_the_known_ones() {
        CliRun r = CliRun.of("demo-api", "--port", "0", "--profile", "sap");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("unknown profile 'sap'", "demo, mastercontrol");
    }

    @Test
    void reset_without_yes_changes_nothing_and_says_how_to_confirm() throws Exception {
        CliRun.of("run", file.toString());

        CliRun r = CliRun.of("reset", file.toString(), "--to", "2025-01-01T02:00:00Z");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--yes");
        JsonNode status = Reports.JSON.readTree(CliRun.of("status", file.toString(), "--json").out());
        assertThat(status.get("watermark").asString()).isEqualTo("2025-01-01T06:00:00Z");
    }

    @Test
    void reset_to_an_earlier_watermark_makes_the_next_run_rewrite_from_there() throws IOException {
        CliRun.of("run", file.toString());

        CliRun.of("reset", file.toString(), "--to", "2025-01-01T04:00:00Z", "--yes");
        CliRun r = CliRun.of("run", file.toString());

        assertThat(r.out()).contains("2 window(s) committed");
        assertThat(jsonlLines(dir.resolve("out"))).hasSize(360);
    }

    @Test
    void a_window_that_fails_exits_1_with_its_error_id_and_is_retried_first_by_the_next_run() throws Exception {
        Path csv = CliRun.pipeline(dir, "csv.yaml", """
                windows: {start: 2025-01-01T00:00:00Z, end: 2025-01-01T03:00:00Z, size: 1h}
                source: {type: generate, every: 1m}
                sink: {type: csv, path: out-csv, columns: [id, ts]}
                """);

        CliRun failed = CliRun.of("run", csv.toString());

        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.out()).containsPattern("error E-[0-9A-Z]+: ").contains("value");
        CliRun.pipeline(dir, "csv.yaml", Files.readString(csv).replace("columns: [id, ts]", "columns: [id, ts, value, name, even]"));
        assertThat(CliRun.of("plan", csv.toString()).out()).contains("(retry)");
        CliRun retried = CliRun.of("run", csv.toString());
        assertThat(retried.exitCode()).as(retried.out()).isZero();
        assertThat(retried.out()).contains("retrying 1 failed").contains("watermark: (none) -> 2025-01-01T03:00:00Z");
    }

    @Test
    void a_sink_that_cannot_open_fails_the_run_with_an_error_id_before_any_window() throws Exception {
        Files.writeString(dir.resolve("out"), "a file where the output folder should be");

        CliRun r = CliRun.of("run", file.toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("jsonl sink could not create the folder").containsPattern("error id: E-[0-9A-Z]+");
        JsonNode status = Reports.JSON.readTree(CliRun.of("status", file.toString(), "--json").out());
        assertThat(status.get("watermark").isNull()).isTrue();
    }

    @Test
    void a_second_run_is_refused_while_another_live_process_holds_the_lease() {
        try (var store = StateStores.open("sqlite:" + dir.resolve(".sluice/state.db"))) {
            store.acquireLease(new PipelineId("hours"), "4242@another-host", Duration.ofMinutes(5));
        }

        CliRun r = CliRun.of("run", file.toString());

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).contains("4242@another-host");
    }

    @Test
    void status_shows_who_is_running_the_pipeline_now() throws Exception {
        try (var store = StateStores.open("sqlite:" + dir.resolve(".sluice/state.db"))) {
            store.acquireLease(new PipelineId("hours"), "4242@another-host", Duration.ofMinutes(5));
        }

        CliRun text = CliRun.of("status", file.toString());
        JsonNode json = Reports.JSON.readTree(CliRun.of("status", file.toString(), "--json").out());

        assertThat(text.out()).contains("running:   now, by 4242@another-host");
        assertThat(json.get("running").get("holder").asString()).isEqualTo("4242@another-host");
    }

    @Test
    void a_damaged_state_file_is_a_clear_error_and_is_left_as_it_was() throws IOException {
        Path state = dir.resolve(".sluice/state.db");
        Files.createDirectories(state.getParent());
        byte[] garbage = "this is not a database, it is a text file that someone put here by mistake".repeat(100).getBytes();
        Files.write(state, garbage);

        CliRun r = CliRun.of("run", file.toString());

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).containsIgnoringCase("not a Sluice state file");
        assertThat(Files.readAllBytes(state)).isEqualTo(garbage);
    }

    @Test
    void validate_lists_every_problem_with_line_and_column_and_exits_2() throws IOException {
        Path bad = CliRun.pipeline(dir, "bad.yaml", """
                windows:
                  cursor: time
                  start: 2025-01-01T00:00:00Z
                  sise: 1h
                  timezone: Mars/Olympus
                source:
                  type: generate
                  every: often
                sink:
                  type: jsonl
                  path: out
                """);

        CliRun r = CliRun.of("validate", bad.toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("3 problems in bad.yaml")
                .contains("bad.yaml line 4:3: windows.sise: unknown key (did you mean 'size'?)")
                .contains("bad.yaml line 5:13: windows.timezone: 'Mars/Olympus' is not an IANA time zone")
                .contains("bad.yaml line 8:10: source.every:");
    }

    @Test
    void validate_names_a_missing_environment_variable() throws IOException {
        Path bad = CliRun.pipeline(dir, "env.yaml", """
                windows: {start: 2025-01-01T00:00:00Z}
                source: {type: generate}
                sink: {type: jsonl, path: "${env:SLUICE_TEST_SURELY_UNSET_VARIABLE}"}
                """);

        CliRun r = CliRun.of("validate", bad.toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("line 3:").contains("SLUICE_TEST_SURELY_UNSET_VARIABLE is not set");
    }

    @Test
    void a_missing_pipeline_file_is_a_usage_error() {
        CliRun r = CliRun.of("run", dir.resolve("nope.yaml").toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("does not exist");
    }

    @Test
    void json_logs_carry_the_pipeline_run_and_window_of_each_event() throws Exception {
        CliRun r = CliRun.of("run", file.toString(), "--verbose", "--log-format", "json");

        List<JsonNode> events = r.err().lines().map(Reports.JSON::readTree).toList();
        JsonNode committed = events.stream().filter(e -> e.get("message").asString().equals("window committed")).findFirst().orElseThrow();
        assertThat(committed.get("pipeline").asString()).isEqualTo("hours");
        assertThat(committed.get("window").asString()).isEqualTo("[2025-01-01T00:00:00Z, 2025-01-01T01:00:00Z)");
        assertThat(committed.has("run")).isTrue();
        assertThat(committed.get("records").asLong()).isEqualTo(60);
    }

    @Test
    void a_snapshot_pipeline_writes_a_whole_snapshot_every_run_and_records_when_it_was_taken() throws Exception {
        Path snapshot = CliRun.pipeline(dir, "snap.yaml", """
                windows: {cursor: none}
                source: {type: generate, count: 10}
                sink: {type: jsonl, path: out-snap}
                """);

        CliRun.of("run", snapshot.toString(), "--now", "2025-01-01T00:00:00Z");
        CliRun.of("run", snapshot.toString(), "--now", "2025-01-02T00:00:00Z");

        assertThat(jsonlLines(dir.resolve("out-snap"))).hasSize(20);
        JsonNode status = Reports.JSON.readTree(CliRun.of("status", snapshot.toString(), "--json").out());
        assertThat(status.get("watermark").asString()).isEqualTo("2025-01-02T00:00:00Z");
        assertThat(status.get("windows").get("succeeded").asLong()).isEqualTo(2);
    }

    @Test
    void an_id_pipeline_takes_every_id_once_in_batches_and_continues_from_its_watermark() throws Exception {
        Path ids = CliRun.pipeline(dir, "ids.yaml", """
                windows: {cursor: id, start: 1, end: 251, size: 100, max_windows: 2}
                source: {type: generate}
                sink: {type: jsonl, path: out-ids}
                """);

        CliRun first = CliRun.of("run", ids.toString());
        CliRun second = CliRun.of("run", ids.toString());

        assertThat(first.out()).contains("watermark: (none) -> 201");
        assertThat(second.out()).contains("watermark: 201 -> 251");
        List<Long> seen = jsonlLines(dir.resolve("out-ids")).stream().map(l -> Reports.JSON.readTree(l).get("id").asLong()).sorted().toList();
        assertThat(seen).isEqualTo(java.util.stream.LongStream.range(1, 251).boxed().toList());
    }

    @Test
    void connectors_lists_the_built_in_types() {
        CliRun r = CliRun.of("connectors");

        assertThat(r.out()).contains("generate").contains("jsonl").contains("csv");
    }

    static List<String> jsonlLines(Path out) throws IOException {
        try (Stream<Path> files = Files.walk(out)) {
            return files.filter(p -> p.toString().endsWith(".jsonl")).sorted().flatMap(p -> {
                try {
                    return Files.readAllLines(p).stream();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }
}
