package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.Connectors;
import dev.sluice.core.config.PipelineConfig;
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

    private final Map<String, String> environment = Map.of("OUT_DIR", "from-env", "API_TOKEN", "s3cr3t-value");
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
}
