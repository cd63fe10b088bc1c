package dev.sluice.connectors.jdbc;

import static dev.sluice.connectors.jdbc.JdbcSourceFixture.load;
import static dev.sluice.connectors.jdbc.JdbcSourceFixture.pipeline;
import static dev.sluice.connectors.jdbc.JdbcSourceFixture.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What is wrong with a jdbc source's section is reported at load time, with its line, before any database is reached. */
class JdbcSourceBindingTest {
    private static final String TIME = "{cursor: time, start: 2025-01-01T00:00:00Z, size: 1h}";
    /** No server listens here: binding must not try. */
    private static final String URL = "jdbc:postgresql://127.0.0.1:1/nowhere";

    @TempDir
    Path dir;

    private void assertProblem(String windows, String body, String... expected) {
        assertThatThrownBy(() -> load(dir, pipeline(windows, URL, "", body)))
                .isInstanceOf(SluiceException.class)
                .satisfies(e -> assertThat(((SluiceException) e).code()).isEqualTo(ErrorCode.CONFIG_INVALID))
                .hasMessageContaining(expected[0])
                .hasMessageContainingAll(expected);
    }

    @Test
    void a_source_binds_its_keys_and_defaults() {
        var source = (JdbcSource) load(dir, pipeline(TIME, URL, "", "name: orders\nfetch_size: 50\npage_size: 20\ntimezone: Europe/Berlin\n"
                + "json_columns: [doc]\nquery_timeout: 2m\n" + query("SELECT * FROM t WHERE ts >= :window_start AND ts < :window_end"))).source();

        JdbcSourceConfig c = source.config();
        assertThat(c.name()).isEqualTo("orders");
        assertThat(c.fetchSize()).isEqualTo(50);
        assertThat(c.pageSize()).isEqualTo(20);
        assertThat(c.zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(c.jsonColumns()).containsExactly("doc");
        assertThat(c.queryTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.query().sql()).contains("ts >= ? AND ts < ?");
    }

    @Test
    void an_unknown_parameter_is_a_load_time_problem_naming_it_and_the_valid_ones() {
        // line 8 holds "query: |": windows, connections (3 lines), source, type, connection come first
        assertProblem(TIME, query("SELECT * FROM t WHERE ts >= :window_begin AND ts < :window_end"),
                "test.yaml line 8", "unknown parameter :window_begin", ":window_start, :window_end, :window_start_utc, :window_end_utc");
    }

    @Test
    void a_parameter_of_another_cursor_is_a_load_time_problem() {
        assertProblem("{cursor: id, start: 1, end: 100}", query("SELECT * FROM t WHERE ts >= :window_start AND id < :id_end"),
                "parameter :window_start is for cursor: time windows", "cursor is id", ":id_start, :id_end");
    }

    @Test
    void a_snapshot_query_takes_no_parameters() {
        assertProblem("{cursor: none}", query("SELECT * FROM t WHERE id >= :id_start"), "parameter :id_start is for cursor: id windows",
                "with cursor: none every run reads the whole query");
    }

    @Test
    void a_query_without_window_parameters_is_refused_because_every_window_would_read_every_row() {
        assertProblem(TIME, query("SELECT * FROM t"), "test.yaml line 8", "uses no window parameter, so every window would read every row",
                "unbounded: true");
    }

    @Test
    void a_query_with_only_a_start_parameter_is_refused_because_windows_would_overlap() {
        assertProblem(TIME, query("SELECT * FROM t WHERE ts >= :window_start"), "uses a start but no end parameter");
    }

    @Test
    void unbounded_true_lets_a_query_without_window_parameters_load() {
        var source = load(dir, pipeline(TIME, URL, "", "unbounded: true\n" + query("SELECT * FROM t"))).source();

        assertThat(source).isInstanceOf(JdbcSource.class);
    }

    @Test
    void a_question_mark_placeholder_is_refused_in_favour_of_named_parameters() {
        assertProblem(TIME, query("SELECT * FROM t WHERE ts >= :window_start AND ts < :window_end AND kind = ?"), "'?' outside quotes");
    }

    @Test
    void a_fetch_size_below_one_is_a_load_time_problem_with_its_line() {
        assertProblem(TIME, "fetch_size: 0\n" + query("SELECT * FROM t WHERE ts >= :window_start AND ts < :window_end"),
                "test.yaml line 8:15", "source.fetch_size", "must be between 1 and 1000000, was 0");
    }

    @Test
    void a_page_size_that_is_not_a_number_is_a_load_time_problem() {
        assertProblem(TIME, "page_size: lots\n" + query("SELECT * FROM t WHERE ts >= :window_start AND ts < :window_end"),
                "test.yaml line 8", "source.page_size", "is not a whole number");
    }

    @Test
    void an_unknown_key_is_a_load_time_problem_naming_the_closest_valid_key() {
        assertProblem(TIME, "fetchsize: 10\n" + query("SELECT * FROM t WHERE ts >= :window_start AND ts < :window_end"),
                "test.yaml line 8:3", "source.fetchsize: unknown key (did you mean 'fetch_size'?)");
    }

    @Test
    void a_missing_query_is_a_load_time_problem() {
        assertProblem(TIME, "fetch_size: 10", "missing required key 'query'");
    }

    @Test
    void every_problem_of_the_section_is_reported_at_once() {
        assertProblem(TIME, "fetch_size: 0\npage_size: 0\n" + query("SELECT * FROM t WHERE ts >= :window_begin AND ts < :window_end"),
                "3 problems", "fetch_size", "page_size", ":window_begin");
    }
}
