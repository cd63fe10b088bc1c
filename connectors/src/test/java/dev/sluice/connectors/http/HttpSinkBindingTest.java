package dev.sluice.connectors.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.connectors.http.HttpSinkConfig.Mode;
import dev.sluice.connectors.http.HttpSinkConfig.OnEmpty;
import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import dev.sluice.core.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Binding {@code sink: {type: http}}: defaults, and every problem reported with its line and column. */
class HttpSinkBindingTest {
    @TempDir
    Path dir;

    /** The pipeline file around the sink section: the sink's own keys start on line 9, column 3. */
    private static String file(String sinkKeys) {
        return """
                windows: {cursor: time, start: 2025-01-01T00:00:00Z, size: 1h}
                connections:
                  incidents: {base_url: "https://api.example.com/v1"}
                source: {type: generate}
                sink:
                  type: http
                  connection: incidents
                  request: {path: /incidents}
                """ + sinkKeys.indent(2);
    }

    private HttpSink load(String sinkKeys) {
        return (HttpSink) ConfigLoader.standard().load(dir.resolve("p.yaml"), file(sinkKeys)).sink();
    }

    private String problems(String sinkKeys) {
        return problemsOf(file(sinkKeys));
    }

    private String problemsOf(String text) {
        var thrown = new SluiceException[1];
        assertThatThrownBy(() -> {
            try {
                ConfigLoader.standard().load(dir.resolve("p.yaml"), text);
            } catch (SluiceException e) {
                thrown[0] = e;
                throw e;
            }
        }).isInstanceOf(SluiceException.class);
        assertThat(thrown[0].code()).isEqualTo(ErrorCode.CONFIG_INVALID);
        return thrown[0].getMessage();
    }

    @Test
    void posts_batches_of_500_with_an_idempotency_key_and_skips_empty_windows_by_default() {
        HttpSinkConfig c = load("").config();

        assertThat(c.request().method()).isEqualTo("POST");
        assertThat(c.mode()).isEqualTo(Mode.BATCH);
        assertThat(c.batchSize()).isEqualTo(500);
        assertThat(c.onEmpty()).isEqualTo(OnEmpty.SKIP);
        assertThat(c.idempotencyHeader()).contains("Idempotency-Key");
        assertThat(c.body()).isSameAs(BodyTemplate.RECORDS);
    }

    @Test
    void binds_every_key() {
        HttpSinkConfig c = load("""
                mode: window
                on_empty: send
                idempotency_header: X-Dedupe
                body: {records: "{{ records }}"}
                time_format: epoch
                timezone: Europe/Paris
                """).config();

        assertThat(c.mode()).isEqualTo(Mode.WINDOW);
        assertThat(c.onEmpty()).isEqualTo(OnEmpty.SEND);
        assertThat(c.idempotencyHeader()).isEqualTo(Optional.of("X-Dedupe"));
        assertThat(c.time().filter()).contains("epoch");
    }

    @Test
    void reports_an_unknown_key_with_its_line_and_the_closest_valid_one() {
        assertThat(problems("batch_sise: 100"))
                .contains("p.yaml line 9:3: sink.batch_sise: unknown key (did you mean 'batch_size'?)");
    }

    @Test
    void reports_a_bad_on_empty_with_its_line_and_the_valid_values() {
        assertThat(problems("on_empty: maybe"))
                .contains("p.yaml line 9:13: sink.on_empty: 'maybe' is not valid; use one of: send, skip");
    }

    @Test
    void reports_an_unknown_template_variable_by_name_with_its_line() {
        assertThat(problems("body: {size: \"{{ batch.size }}\", records: \"{{ records }}\"}"))
                .contains("p.yaml line 9:9: sink.body: unknown variable 'batch.size'; a batch has batch.number, batch.count and batch.key");
    }

    @Test
    void reports_a_record_variable_as_unknown_in_a_sink() {
        assertThat(problems("body: {id: \"{{ record.id }}\", records: \"{{ records }}\"}"))
                .contains("line 9:9: sink.body: 'record.id' cannot be used here; record.* is only known in steps");
    }

    @Test
    void reports_an_unknown_variable_in_the_request_path() {
        assertThat(problemsOf(file("").replace("path: /incidents", "path: \"/incidents/{{ window.begin }}\"")))
                .contains("p.yaml line 8:19: sink.request.path: unknown variable 'window.begin'");
    }

    @Test
    void reports_a_body_without_the_records() {
        assertThat(problems("body: {count: \"{{ batch.count }}\"}"))
                .contains("line 9:9: sink.body: the body must hold \"{{ records }}\" as a whole value");
    }

    @Test
    void reports_records_inside_a_text() {
        assertThat(problems("body: {records: \"{{ records }}\", text: \"rows: {{ records }}\"}"))
                .contains("sink.body: '{{ records }}' must stand alone as a value of the http sink's body");
    }

    @Test
    void reports_the_records_in_two_places() {
        assertThat(problems("body: {a: \"{{ records }}\", b: \"{{records}}\"}"))
                .contains("sink.body: the body holds \"{{ records }}\" 2 times; the records go in one place");
    }

    @Test
    void reports_a_method_that_sends_no_body() {
        assertThat(problemsOf(file("").replace("request: {path: /incidents}", "request: {method: GET, path: /incidents}")))
                .contains("sink.request.method: 'GET' is not a method the http sink sends; use one of POST, PUT, PATCH");
    }

    @Test
    void reports_a_batch_size_in_window_mode() {
        assertThat(problems("mode: window\nbatch_size: 10"))
                .contains("line 10:15: sink.batch_size: batch_size applies to mode: batch");
    }

    @Test
    void reports_a_batch_size_of_zero() {
        assertThat(problems("batch_size: 0")).contains("line 9:15: sink.batch_size: must be between 1 and 1000000, was 0");
    }

    @Test
    void reports_an_idempotency_header_that_the_request_also_sets() {
        assertThat(problemsOf(file("").replace("request: {path: /incidents}", "request: {path: /incidents, headers: {idempotency-key: x}}")))
                .contains("p.yaml line 8:12: sink.request: headers sets Idempotency-Key, the sink's idempotency_header");
    }

    @Test
    void reports_an_idempotency_header_that_is_not_a_header_name() {
        assertThat(problems("idempotency_header: \"my key\"")).contains("line 9:23: sink.idempotency_header: write a header name");
    }

    @Test
    void reports_a_missing_connection_and_request() {
        String text = """
                windows: {cursor: time, start: 2025-01-01T00:00:00Z, size: 1h}
                source: {type: generate}
                sink: {type: http}
                """;

        assertThat(problemsOf(text)).contains("sink: missing required key 'connection'").contains("sink: missing required key 'request'");
    }
}
