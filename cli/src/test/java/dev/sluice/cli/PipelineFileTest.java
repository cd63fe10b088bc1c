package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.Connectors;
import dev.sluice.core.config.PipelineConfig;
import dev.sluice.core.config.ServiceSettings;
import dev.sluice.core.schedule.Schedule;
import dev.sluice.core.window.Align;
import dev.sluice.core.window.CursorKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading pipeline files: typed values, interpolation, and errors that say where and what would be valid. */
class PipelineFileTest {
    @TempDir
    Path dir;

    private final Map<String, String> environment = Map.of("OUT_DIR", "from-env", "API_TOKEN", "s3cr3t-value", "ENABLE_ORDERS", "false");
    private final ConfigLoader loader = new ConfigLoader(name -> Optional.ofNullable(environment.get(name)), Connectors.discover());

    private PipelineConfig load(String yaml) {
        return loader.load(dir.resolve("p.yaml"), yaml);
    }

    private AbstractThrowableAssert<?, ? extends Throwable> assertInvalid(String yaml) {
        return assertThatThrownBy(() -> load(yaml)).isInstanceOf(SluiceException.class)
                .satisfies(e -> assertThat(((SluiceException) e).code()).isEqualTo(ErrorCode.CONFIG_INVALID));
    }

    @Test
    void binds_every_windows_key_to_typed_values() {
        PipelineConfig c = load("""
                name: typed
                parallelism: 3
                windows:
                  cursor: time
                  start: 2025-06-30
                  end: 2025-07-02T00:00:00+02:00
                  size: PT6H
                  lag: 6h
                  timezone: America/New_York
                  align: day
                  max_windows: 4
                source: {type: generate}
                sink: {type: jsonl, path: out}
                """);

        var w = c.windows();
        assertThat(w.cursor()).isEqualTo(CursorKind.TIME);
        assertThat(w.startTime()).contains(Instant.parse("2025-06-30T04:00:00Z"));
        assertThat(w.endTime()).contains(Instant.parse("2025-07-01T22:00:00Z"));
        assertThat(w.size()).map(Object::toString).contains("6h");
        assertThat(w.lag()).isEqualTo(Duration.ofHours(6));
        assertThat(w.zone()).isEqualTo(ZoneId.of("America/New_York"));
        assertThat(w.align()).isEqualTo(Align.DAY);
        assertThat(w.maxWindows()).hasValue(4);
        assertThat(c.parallelism()).isEqualTo(3);
    }

    @Test
    void the_name_defaults_to_the_file_name() {
        assertThat(load("""
                windows: {start: 2025-01-01T00:00:00Z}
                source: {type: generate}
                sink: {type: jsonl, path: out}
                """).id().value()).isEqualTo("p");
    }

    @Test
    void env_and_file_references_are_replaced_and_relative_paths_start_at_the_pipeline_folder() throws IOException {
        Files.writeString(dir.resolve("sub-folder.txt"), "from-file\n");

        PipelineConfig c = load("""
                description: "costs $${not.a.reference}"
                windows: {start: 2025-01-01T00:00:00Z}
                source: {type: generate}
                sink: {type: jsonl, path: "${env:OUT_DIR}/${file:sub-folder.txt}"}
                """);

        assertThat(c.description()).isEqualTo("costs ${not.a.reference}");
        assertThat(c.sink().target()).contains(dir.resolve("from-env/from-file").toString());
    }

    @Test
    void an_env_reference_may_give_a_fallback_for_when_the_variable_is_unset() {
        PipelineConfig c = load("""
                windows: {start: 2025-01-01T00:00:00Z}
                source: {type: generate}
                sink: {type: jsonl, path: "${env:NOT_SET_ANYWHERE:-fallback-dir}/${env:OUT_DIR:-unused}"}
                """);

        assertThat(c.sink().target()).contains(dir.resolve("fallback-dir/from-env").toString());
    }

    @Test
    void a_missing_file_reference_is_an_error_that_names_it() {
        assertInvalid("""
                windows: {start: 2025-01-01T00:00:00Z}
                source: {type: generate}
                sink: {type: jsonl, path: "${file:no-such-secret.txt}"}
                """).hasMessageContaining("p.yaml line 3:").hasMessageContaining("no-such-secret.txt");
    }

    @Test
    void an_error_never_quotes_a_value_that_came_from_the_environment() {
        assertInvalid("""
                windows: {start: 2025-01-01T00:00:00Z, timezone: "${env:API_TOKEN}"}
                source: {type: generate}
                sink: {type: jsonl, path: out}
                """).hasMessageContaining("${env:API_TOKEN}").hasMessageNotContaining("s3cr3t-value");
    }

    @Test
    void a_yaml_syntax_error_names_its_line_and_column() {
        assertInvalid("""
                windows:
                  start: 2025-01-01T00:00:00Z
                   size: 1h
                source: {type: generate}
                """).hasMessageContaining("p.yaml line 3:").hasMessageContaining("not valid YAML");
    }

    @Test
    void a_key_written_twice_is_an_error() {
        assertInvalid("""
                windows: {start: 2025-01-01T00:00:00Z, size: 1h, size: 2h}
                source: {type: generate}
                sink: {type: jsonl, path: out}
                """).hasMessageContaining("windows.size: this key appears twice");
    }

    @Test
    void missing_sections_are_all_reported_with_examples() {
        assertInvalid("name: lonely\n").hasMessageContaining("3 problems").hasMessageContaining("missing required key 'windows'")
                .hasMessageContaining("missing required key 'source'").hasMessageContaining("missing required key 'sink'");
    }

    @Test
    void an_unknown_source_type_lists_the_available_ones() {
        assertInvalid("""
                windows: {start: 2025-01-01T00:00:00Z}
                source: {type: kafka, topic: x}
                sink: {type: jsonl, path: out}
                """).hasMessageContaining("p.yaml line 2:16: source.type: unknown source type 'kafka'; available: generate");
    }

    @Test
    void an_unknown_key_of_a_connector_is_reported_once_with_the_valid_keys() {
        assertInvalid("""
                windows: {start: 2025-01-01T00:00:00Z}
                source: {type: generate}
                sink: {type: jsonl, path: out, colums: [a]}
                """).hasMessageContaining("1 problem in p.yaml").hasMessageContaining("sink.colums: unknown key")
                .hasMessageContaining("valid keys here: type, path, partition_by");
    }

    @Test
    void target_day_and_start_together_are_refused() {
        assertInvalid("""
                windows: {start: 2025-01-01T00:00:00Z, target_day: {back: 1d}}
                source: {type: generate}
                sink: {type: jsonl, path: out}
                """).hasMessageContaining("target_day replaces start and end");
    }

    @Test
    void a_time_cursor_without_start_or_target_day_says_how_to_write_either() {
        assertInvalid("""
                windows: {size: 1h}
                source: {type: generate}
                sink: {type: jsonl, path: out}
                """).hasMessageContaining("needs start:").hasMessageContaining("target_day: {back: 1d}");
    }

    @Test
    void an_id_cursor_needs_an_end_and_refuses_time_only_keys() {
        assertInvalid("""
                windows: {cursor: id, start: 1, lag: 1m}
                source: {type: generate}
                sink: {type: jsonl, path: out}
                """).hasMessageContaining("an id cursor needs start and end").hasMessageContaining("lag applies to time cursors only");
    }

    @Test
    void a_zero_size_is_refused() {
        assertInvalid("""
                windows: {start: 2025-01-01T00:00:00Z, size: 0s}
                source: {type: generate}
                sink: {type: jsonl, path: out}
                """).hasMessageContaining("windows.size: must be more than zero");
    }

    @Test
    void an_end_before_the_start_is_refused() {
        assertInvalid("""
                windows: {start: 2025-01-02T00:00:00Z, end: 2025-01-01T00:00:00Z}
                source: {type: generate}
                sink: {type: jsonl, path: out}
                """).hasMessageContaining("must be after start");
    }

    @Test
    void a_relative_sqlite_state_path_starts_at_the_pipeline_folder() {
        PipelineConfig c = load("""
                state: sqlite:books/state.db
                windows: {start: 2025-01-01T00:00:00Z}
                source: {type: generate}
                sink: {type: jsonl, path: out}
                """);

        assertThat(c.stateUrlOrDefault()).isEqualTo("sqlite:" + dir.resolve("books/state.db"));
    }

    @Test
    void a_state_url_of_an_unknown_kind_is_refused() {
        assertInvalid("""
                state: mongodb://localhost/books
                windows: {start: 2025-01-01T00:00:00Z}
                source: {type: generate}
                sink: {type: jsonl, path: out}
                """).hasMessageContaining("state: 'mongodb://localhost/books' is not a state URL");
    }

    // The keys of sluice serve: schedule, enabled, alerts

    private static final String WINDOWS_SOURCE_SINK = """
            windows: {start: 2025-01-01T00:00:00Z}
            source: {type: generate}
            sink: {type: jsonl, path: out}
            """;

    @Test
    void without_service_keys_a_pipeline_has_no_schedule_is_enabled_and_has_no_lag_alerts() {
        assertThat(load(WINDOWS_SOURCE_SINK).service()).isEqualTo(ServiceSettings.DEFAULT);
    }

    @Test
    void binds_a_cron_schedule_with_its_timezone_and_jitter() {
        PipelineConfig c = load(WINDOWS_SOURCE_SINK + """
                schedule: {cron: "*/15 * * * *", timezone: Europe/Paris, jitter: 30s}
                """);

        assertThat(c.service().schedule()).contains(Schedule.cron("*/15 * * * *", ZoneId.of("Europe/Paris")).withJitter(Duration.ofSeconds(30)));
    }

    @Test
    void a_cron_schedule_is_read_in_the_windows_timezone_unless_it_names_its_own() {
        PipelineConfig c = load("""
                windows: {start: 2025-01-01, timezone: America/New_York}
                source: {type: generate}
                sink: {type: jsonl, path: out}
                schedule: {cron: "@daily"}
                """);

        assertThat(c.service().schedule().flatMap(Schedule::zone)).contains(ZoneId.of("America/New_York"));
    }

    @Test
    void a_cron_schedule_is_read_in_utc_when_no_timezone_is_set() {
        PipelineConfig c = load(WINDOWS_SOURCE_SINK + "schedule: {cron: \"0 2 * * *\"}\n");

        assertThat(c.service().schedule().map(Schedule::describe)).contains("at 02:00 (UTC)");
    }

    @Test
    void binds_an_interval_schedule() {
        PipelineConfig c = load(WINDOWS_SOURCE_SINK + "schedule: {every: 5m}\n");

        assertThat(c.service().schedule()).contains(Schedule.every(Duration.ofMinutes(5)));
    }

    @Test
    void binds_enabled_and_the_alert_settings() {
        PipelineConfig c = load(WINDOWS_SOURCE_SINK + """
                enabled: false
                alerts:
                  lag: {warning: 2h, critical: 6h}
                  mute: true
                """);

        assertThat(c.service()).isEqualTo(new ServiceSettings(Optional.empty(), false, Optional.of(Duration.ofHours(2)),
                Optional.of(Duration.ofHours(6)), true));
    }

    @Test
    void either_lag_threshold_may_be_given_alone() {
        PipelineConfig c = load(WINDOWS_SOURCE_SINK + "alerts: {lag: {critical: 1d}}\n");

        assertThat(c.service().lagWarning()).isEmpty();
        assertThat(c.service().lagCritical()).contains(Duration.ofDays(1));
    }

    @Test
    void enabled_may_come_from_an_environment_flag() {
        assertThat(load(WINDOWS_SOURCE_SINK + "enabled: ${env:ENABLE_ORDERS:-true}\n").service().enabled()).isFalse();
    }

    @Test
    void a_snapshot_pipeline_may_have_lag_alerts() {
        PipelineConfig c = load("""
                windows: {cursor: none}
                source: {type: generate}
                sink: {type: jsonl, path: out}
                alerts: {lag: {warning: 1d}}
                """);

        assertThat(c.service().lagWarning()).contains(Duration.ofDays(1));
    }

    @Test
    void cron_and_every_together_are_refused_at_the_every_key() {
        assertInvalid(WINDOWS_SOURCE_SINK + """
                schedule:
                  cron: "*/15 * * * *"
                  every: 15m
                """).hasMessageContaining("p.yaml line 6:10: schedule.every: give either cron or every, not both");
    }

    @Test
    void a_schedule_without_cron_or_every_is_refused_with_examples() {
        assertInvalid(WINDOWS_SOURCE_SINK + """
                schedule:
                  jitter: 10s
                """).hasMessageContaining("p.yaml line 5:3: schedule: a schedule needs cron or every; e.g. schedule: {cron: \"*/15 * * * *\"");
    }

    @Test
    void a_cron_key_without_a_value_is_refused() {
        assertInvalid(WINDOWS_SOURCE_SINK + "schedule: {cron: }\n").hasMessageContaining("schedule.cron: cron has no value");
    }

    @Test
    void a_bad_cron_expression_is_reported_at_its_line_with_what_is_wrong() {
        assertInvalid(WINDOWS_SOURCE_SINK + """
                schedule:
                  cron: "61 * * * *"
                """).hasMessageContaining("p.yaml line 5:9: schedule.cron: '61 * * * *' is not a valid cron expression: "
                + "value 61 not in range [0, 59]; write five fields");
    }

    @Test
    void a_bad_schedule_timezone_is_refused() {
        assertInvalid(WINDOWS_SOURCE_SINK + "schedule: {cron: \"@hourly\", timezone: Mars/Olympus}\n")
                .hasMessageContaining("p.yaml line 4:39: schedule.timezone: 'Mars/Olympus' is not an IANA time zone");
    }

    @Test
    void a_timezone_with_an_interval_is_refused() {
        assertInvalid(WINDOWS_SOURCE_SINK + "schedule: {every: 5m, timezone: Europe/Paris}\n")
                .hasMessageContaining("schedule.timezone: timezone applies to cron only");
    }

    @Test
    void an_interval_under_one_second_is_refused() {
        assertInvalid(WINDOWS_SOURCE_SINK + "schedule: {every: 500ms}\n")
                .hasMessageContaining("p.yaml line 4:19: schedule.every: an interval must be at least 1s, was 500ms");
    }

    @Test
    void a_zero_jitter_is_refused() {
        assertInvalid(WINDOWS_SOURCE_SINK + "schedule: {every: 5m, jitter: 0s}\n")
                .hasMessageContaining("schedule.jitter: must be more than zero, e.g. jitter: 30s; leave jitter out for none");
    }

    @Test
    void a_jitter_as_long_as_the_interval_is_refused() {
        assertInvalid(WINDOWS_SOURCE_SINK + "schedule: {every: 5m, jitter: 5m}\n")
                .hasMessageContaining("schedule.jitter: jitter 5m must be shorter than the interval 5m");
    }

    @Test
    void a_lag_warning_not_shorter_than_the_critical_lag_is_refused() {
        assertInvalid(WINDOWS_SOURCE_SINK + """
                alerts:
                  lag: {warning: 6h, critical: 2h}
                """).hasMessageContaining("p.yaml line 5:18: alerts.lag.warning: warning 6h must be shorter than critical 2h");
    }

    @Test
    void a_lag_alert_without_thresholds_is_refused() {
        assertInvalid(WINDOWS_SOURCE_SINK + "alerts: {lag: {}}\n").hasMessageContaining("alerts.lag: give warning, critical or both");
    }

    @Test
    void a_lag_alert_on_an_id_cursor_is_refused() {
        assertInvalid("""
                windows: {cursor: id, start: 1, end: 101}
                source: {type: generate}
                sink: {type: jsonl, path: out}
                alerts: {lag: {warning: 2h}}
                """).hasMessageContaining("alerts.lag: a lag alert measures now minus the watermark's time");
    }

    @Test
    void an_unknown_service_key_names_the_closest_valid_one() {
        assertInvalid(WINDOWS_SOURCE_SINK + "schedule: {cron: \"@daily\", timzone: UTC}\n")
                .hasMessageContaining("schedule.timzone: unknown key (did you mean 'timezone'?)");
    }

    @Test
    void every_problem_of_the_service_keys_is_reported_together() {
        assertInvalid(WINDOWS_SOURCE_SINK + """
                schedule: {cron: "* * *"}
                enabled: maybe
                alerts: {lag: {warning: 0s}, mute: sometimes}
                """).hasMessageContaining("4 problems in p.yaml").hasMessageContaining("schedule.cron:")
                .hasMessageContaining("enabled: 'maybe' is not true or false").hasMessageContaining("alerts.lag.warning: must be more than zero")
                .hasMessageContaining("alerts.mute: 'sometimes' is not true or false");
    }
}
