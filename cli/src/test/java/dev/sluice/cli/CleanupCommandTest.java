package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.PipelineId;
import dev.sluice.core.state.StateStore;
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

/**
 * sluice cleanup: what it deletes from the books and the dead letters, and how it reports it. The runs of
 * a test happen now; cleaning up "now" in 2100 with --max-age 1d makes them all old.
 */
class CleanupCommandTest {
    private static final String FUTURE = "2100-01-01T00:00:00Z";
    private static final String PIPELINE = """
            name: %s
            windows: {cursor: time, start: 2025-01-01T00:00:00Z, end: 2025-01-01T02:00:00Z, size: 1h}
            source: {type: generate, every: 30m}
            steps:
              - type: validate
                name: check
                schema: {type: object, required: [missing]}
                on_invalid: dead_letter
                dead_letter: {path: dead-letters-%<s}
            sink: {type: jsonl, path: out}
            """;

    @TempDir
    Path dir;
    Path file;

    @BeforeEach
    void writePipeline() throws IOException {
        file = CliRun.pipeline(dir, "hours.yaml", PIPELINE.formatted("hours"));
    }

    /** The first run commits both windows (and four dead letters); the later ones find nothing to do. */
    private void runTimes(Path pipeline, int times) {
        for (int i = 0; i < times; i++)
            assertThat(CliRun.of("run", pipeline.toString()).exitCode()).isZero();
    }

    private List<Long> sequences() {
        JsonNode history = Reports.JSON.readTree(CliRun.of("history", file.toString(), "--json").out());
        return history.valueStream().map(run -> run.get("sequence").asLong()).toList();
    }

    private long deadLetterFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("dead-letters-hours/check"))) {
            return files.count();
        }
    }

    @Test
    void cleanup_deletes_the_runs_that_found_nothing_to_do_and_keeps_those_the_ledger_needs_and_the_latest() {
        runTimes(file, 3);

        CliRun r = CliRun.of("cleanup", file.toString(), "--max-age", "1d", "--now", FUTURE);

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("deleting what is older than 1d (before 2099-12-31T00:00:00Z)", "pipeline hours",
                "deleted 1 run(s), 0 error(s), 0 discarded window(s)");
        assertThat(sequences()).containsExactly(3L, 1L);
    }

    @Test
    void cleanup_deletes_the_dead_letters_of_validate_steps() throws IOException {
        runTimes(file, 1);
        assertThat(deadLetterFiles()).isEqualTo(2);

        CliRun r = CliRun.of("cleanup", file.toString(), "--max-age", "24h", "--now", FUTURE);

        assertThat(r.out()).contains("step 'check' (validate): deleted 4 item(s)");
        assertThat(deadLetterFiles()).isZero();
    }

    @Test
    void nothing_younger_than_max_age_is_deleted() throws IOException {
        runTimes(file, 3);

        CliRun r = CliRun.of("cleanup", file.toString(), "--max-age", "36500d");

        assertThat(r.out()).contains("deleted 0 run(s), 0 error(s), 0 discarded window(s)").doesNotContain("step 'check'");
        assertThat(sequences()).containsExactly(3L, 2L, 1L);
        assertThat(deadLetterFiles()).isEqualTo(2);
    }

    @Test
    void a_dry_run_reports_what_would_be_deleted_and_deletes_nothing() throws IOException {
        runTimes(file, 3);

        CliRun r = CliRun.of("cleanup", file.toString(), "--max-age", "1d", "--now", FUTURE, "--dry-run");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("dry run, nothing is deleted", "would delete 1 run(s)", "step 'check' (validate): would delete 4 item(s)");
        assertThat(sequences()).containsExactly(3L, 2L, 1L);
        assertThat(deadLetterFiles()).isEqualTo(2);
    }

    @Test
    void json_output_gives_the_counts_of_each_pipeline() {
        runTimes(file, 2);

        CliRun r = CliRun.of("cleanup", file.toString(), "--max-age", "P1D", "--now", FUTURE, "--json");

        JsonNode report = Reports.JSON.readTree(r.out());
        assertThat(report.get("before").asString()).isEqualTo("2099-12-31T00:00:00Z");
        assertThat(report.get("dry_run").asBoolean()).isFalse();
        JsonNode hours = report.get("pipelines").get(0);
        assertThat(hours.get("pipeline").asString()).isEqualTo("hours");
        assertThat(hours.get("runs").asLong()).isEqualTo(0);
        assertThat(hours.get("steps").get(0).get("step").asString()).isEqualTo("check");
        assertThat(hours.get("steps").get(0).get("items").asLong()).isEqualTo(4);
    }

    @Test
    void a_pipelines_folder_cleans_up_every_pipeline_file_in_it() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("pipelines"));
        Path a = CliRun.pipeline(folder, "a.yaml", PIPELINE.formatted("alpha"));
        Path b = CliRun.pipeline(folder, "b.yml", PIPELINE.formatted("beta"));
        runTimes(a, 2);
        runTimes(b, 3);

        CliRun r = CliRun.of("cleanup", "--pipelines", folder.toString(), "--max-age", "1d", "--now", FUTURE);

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).containsSubsequence("pipeline alpha", "deleted 0 run(s)", "pipeline beta", "deleted 1 run(s)");
    }

    @Test
    void a_pipeline_being_run_is_left_for_later_with_exit_3_and_the_others_are_cleaned_up() throws IOException {
        Path other = CliRun.pipeline(dir, "other.yaml", PIPELINE.formatted("other"));
        runTimes(file, 3);
        runTimes(other, 3);
        try (StateStore store = StateStores.open("sqlite:" + dir.resolve(".sluice/state.db"))) {
            store.acquireLease(new PipelineId("hours"), "4242@some-other-host", Duration.ofMinutes(5));
        }

        CliRun r = CliRun.of("cleanup", file.toString(), other.toString(), "--max-age", "1d", "--now", FUTURE);

        assertThat(r.exitCode()).isEqualTo(ExitCodes.STATE);
        assertThat(r.err()).contains("pipeline 'hours' is already being run by 4242@some-other-host");
        assertThat(r.out()).containsSubsequence("pipeline hours", "not cleaned up", "pipeline other", "deleted 1 run(s)");
        assertThat(sequences()).containsExactly(3L, 2L, 1L);
    }

    @Test
    void a_pipeline_without_books_has_nothing_to_clean_up_and_gets_none() {
        CliRun r = CliRun.of("cleanup", file.toString(), "--max-age", "1d");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("nothing to clean up: the pipeline has no books yet");
        assertThat(dir.resolve(".sluice/state.db")).doesNotExist();
    }

    @Test
    void a_max_age_without_a_unit_is_refused_and_the_message_says_how_to_write_it() {
        CliRun r = CliRun.of("cleanup", file.toString(), "--max-age", "24");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--max-age 24 has no unit; write 24h for 24 hours or 24d for 24 days");
    }

    @Test
    void help_shows_the_usage_and_that_max_age_needs_a_unit() {
        CliRun r = CliRun.of("cleanup", "--help");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Usage: sluice cleanup", "--max-age=DURATION", "a bare", "24 is refused");
    }

    @Test
    void cleanup_without_pipeline_files_or_a_folder_is_a_usage_error() {
        CliRun r = CliRun.of("cleanup", "--max-age", "1d");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("give the pipeline files to clean up (FILE...) or their folder (--pipelines DIR)");
    }
}
