package dev.sluice.connectors.http;

import static dev.sluice.connectors.http.HttpFixtures.failure;
import static dev.sluice.connectors.http.HttpFixtures.said;
import static dev.sluice.connectors.http.TestApi.json;
import static dev.sluice.connectors.http.TestApi.ok;
import static dev.sluice.connectors.http.TestApi.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.PipelineId;
import dev.sluice.core.SluiceException;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.spi.DataRecord;
import dev.sluice.core.spi.WindowWriter;
import dev.sluice.core.window.IdWindow;
import dev.sluice.core.window.TimeWindow;
import dev.sluice.core.window.Window;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The HTTP sink against a real receiver on 127.0.0.1: batches, window payloads, empty windows, keys, and the connection's rules. */
class HttpSinkTest {
    private static final TimeWindow WINDOW = new TimeWindow(Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2025-01-01T01:00:00Z"));
    private static final JsonMapper JSON = JsonMapper.shared();
    private static final String PATH = "/api/incidents";
    private static final String TOKEN = "s3cr3t-sink-token-7777";

    @TempDir
    Path dir;
    TestApi api;
    HttpSink sink;

    @BeforeEach
    void start() throws IOException {
        api = TestApi.start();
        api.on(PATH, ok("{\"accepted\":true}"));
    }

    @AfterEach
    void stop() {
        if (sink != null)
            sink.close();
        api.close();
    }

    /** An open sink of pipeline "orders" on connection "receiver" with {@code connectionExtra}, its section holding {@code sinkBody}. */
    private HttpSink sink(String connectionExtra, String sinkBody) {
        String text = """
                name: orders
                windows: {cursor: time, start: 2025-01-01T00:00:00Z, size: 1h}
                connections:
                  receiver:
                    base_url: %s
                    retry: {max_attempts: 3, initial_backoff: 1ms, max_backoff: 5ms}
                %s
                source: {type: generate, every: 1m}
                sink:
                  type: http
                  connection: receiver
                %s
                """.formatted(api.url("/"), connectionExtra.indent(4), sinkBody.indent(2));
        sink = (HttpSink) ConfigLoader.standard().load(dir.resolve("orders.yaml"), text).sink();
        sink.open(() -> new PipelineId("orders"));
        return sink;
    }

    private HttpSink sink(String sinkBody) {
        return sink("", sinkBody);
    }

    private static DataRecord record(long id) {
        return new DataRecord(JSON.createObjectNode().put("id", id).put("name", "item-" + id));
    }

    private static void write(WindowWriter writer, long fromId, long toId) throws IOException {
        for (long id = fromId; id <= toId; id++)
            writer.write(record(id));
    }

    private List<TestApi.Request> received() {
        return api.requests(PATH);
    }

    private static JsonNode body(TestApi.Request request) {
        return JSON.readTree(request.body());
    }

    private static List<Long> ids(JsonNode array) {
        return array.valueStream().map(r -> r.get("id").asLong()).toList();
    }

    private List<String> keys() {
        return received().stream().map(r -> r.header("Idempotency-Key")).toList();
    }

    // ---- batches ----

    @Test
    void sends_each_full_batch_while_records_are_written_and_the_rest_at_commit() throws IOException {
        var s = sink("request: {path: /api/incidents}\nbatch_size: 2");

        try (WindowWriter writer = s.begin(WINDOW)) {
            write(writer, 1, 2);
            assertThat(received()).hasSize(1);
            write(writer, 3, 5);
            assertThat(received()).hasSize(2);

            writer.commit();
        }

        assertThat(received()).extracting(r -> ids(body(r))).containsExactly(List.of(1L, 2L), List.of(3L, 4L), List.of(5L));
        assertThat(received()).allSatisfy(r -> {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.header("Content-Type")).isEqualTo("application/json");
        });
    }

    @Test
    void sends_no_request_at_commit_when_the_last_batch_was_full() throws IOException {
        var s = sink("request: {path: /api/incidents}\nbatch_size: 2");

        try (WindowWriter writer = s.begin(WINDOW)) {
            write(writer, 1, 4);
            writer.commit();
        }

        assertThat(received()).hasSize(2);
    }

    @Test
    void puts_each_batch_into_the_body_template_where_records_stands() throws IOException {
        var s = sink("""
                request: {method: PUT, path: /api/incidents}
                batch_size: 2
                body:
                  window_start: "{{ window.start | iso }}"
                  window_end: "{{ window.end | epoch }}"
                  pipeline: "{{ pipeline.name }}"
                  batch: {number: "{{ batch.number }}", count: "{{ batch.count }}", key: "{{ batch.key }}"}
                  records: "{{ records }}"
                  source: sluice
                """);

        try (WindowWriter writer = s.begin(WINDOW)) {
            write(writer, 1, 3);
            writer.commit();
        }

        JsonNode second = body(received().get(1));
        assertThat(received().get(1).method()).isEqualTo("PUT");
        assertThat(second.get("window_start").asString()).isEqualTo("2025-01-01T00:00:00Z");
        assertThat(second.get("window_end").asLong()).isEqualTo(WINDOW.end().getEpochSecond());
        assertThat(second.get("pipeline").asString()).isEqualTo("orders");
        assertThat(second.get("batch").get("number").asInt()).isEqualTo(2);
        assertThat(second.get("batch").get("count").asInt()).isEqualTo(1);
        assertThat(second.get("batch").get("key").asString()).isEqualTo("orders/20250101T000000Z_20250101T010000Z/2");
        assertThat(ids(second.get("records"))).containsExactly(3L);
        assertThat(second.get("source").asString()).isEqualTo("sluice");
    }

    @Test
    void fills_templates_in_the_path_query_and_headers() throws IOException {
        api.on("/api/windows/20250101", ok("{}"));
        var s = sink("""
                request:
                  path: "/api/windows/{{ window.start | format(yyyyMMdd) }}"
                  query: {batch: "{{ batch.number }}"}
                  headers: {X-Record-Count: "{{ batch.count }}"}
                """);

        try (WindowWriter writer = s.begin(WINDOW)) {
            write(writer, 1, 3);
            writer.commit();
        }

        var request = api.requests("/api/windows/20250101").getFirst();
        assertThat(request.rawQuery()).isEqualTo("batch=1");
        assertThat(request.header("X-Record-Count")).isEqualTo("3");
    }

    @Test
    void writes_the_bounds_of_an_id_window_as_numbers() throws IOException {
        var s = sink("request: {path: /api/incidents}\nbody: {first: \"{{ window.start }}\", last: \"{{ window.last }}\", records: \"{{ records }}\"}");

        try (WindowWriter writer = s.begin(new IdWindow(1, 101))) {
            write(writer, 1, 1);
            writer.commit();
        }

        JsonNode sent = body(received().getFirst());
        assertThat(sent.get("first").isNumber()).isTrue();
        assertThat(sent.get("first").asLong()).isEqualTo(1);
        assertThat(sent.get("last").asLong()).isEqualTo(100);
    }

    @Test
    void a_variable_the_window_does_not_have_fails_it_as_a_configuration_error() {
        var s = sink("request: {path: /api/incidents}\nbody: {last: \"{{ window.last }}\", records: \"{{ records }}\"}");

        SluiceException e = failure(() -> {
            try (WindowWriter writer = s.begin(WINDOW)) {
                write(writer, 1, 1);
                writer.commit();
            }
        });

        assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_INVALID);
        assertThat(e.getMessage()).contains("{{ window.last }}", "sink.request or sink.body");
        assertThat(received()).isEmpty();
    }

    // ---- window mode ----

    @Test
    void window_mode_sends_one_payload_per_window_at_commit_built_from_the_template() throws IOException {
        var s = sink("""
                request: {path: /api/incidents}
                mode: window
                body: {from: "{{ window.start | epoch_ms }}", to: "{{ window.end }}", count: "{{ batch.count }}", rows: "{{ records }}"}
                """);

        try (WindowWriter writer = s.begin(WINDOW)) {
            write(writer, 1, 1500);
            assertThat(received()).isEmpty();

            writer.commit();
        }

        assertThat(received()).hasSize(1);
        JsonNode sent = body(received().getFirst());
        assertThat(sent.get("from").asLong()).isEqualTo(WINDOW.start().toEpochMilli());
        assertThat(sent.get("to").asString()).isEqualTo("2025-01-01T01:00:00Z");
        assertThat(sent.get("count").asInt()).isEqualTo(1500);
        assertThat(ids(sent.get("rows"))).hasSize(1500).startsWith(1L, 2L).endsWith(1500L);
        assertThat(received().getFirst().header("Idempotency-Key")).isEqualTo("orders/20250101T000000Z_20250101T010000Z/1");
    }

    @Test
    void window_mode_streams_the_records_from_a_temporary_file_that_commit_deletes() throws IOException {
        var s = sink("request: {path: /api/incidents}\nmode: window");
        var window = new TimeWindow(Instant.parse("2031-02-03T04:05:06Z"), Instant.parse("2031-02-03T05:05:06Z"));

        try (WindowWriter writer = s.begin(window)) {
            write(writer, 1, 20_000);
            List<Path> staged = stagedFiles(window);
            assertThat(staged).hasSize(1);
            assertThat(Files.size(staged.getFirst())).isGreaterThan(20_000L * 20);

            writer.commit();
        }

        assertThat(stagedFiles(window)).isEmpty();
        var request = received().getFirst();
        assertThat(ids(body(request))).hasSize(20_000);
        assertThat(request.header("Content-Length")).isEqualTo(Integer.toString(request.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
    }

    private static List<Path> stagedFiles(Window window) throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(p -> p.getFileName().toString().startsWith("sluice-http-" + window.fileName() + "-")).toList();
        }
    }

    @Test
    void close_without_commit_in_window_mode_sends_nothing_and_deletes_the_staged_records() throws IOException {
        var s = sink("request: {path: /api/incidents}\nmode: window\non_empty: send");
        var window = new TimeWindow(Instant.parse("2031-03-04T00:00:00Z"), Instant.parse("2031-03-04T01:00:00Z"));

        try (WindowWriter writer = s.begin(window)) {
            write(writer, 1, 10);
        }

        assertThat(received()).isEmpty();
        assertThat(stagedFiles(window)).isEmpty();
    }

    @Test
    void close_without_commit_in_batch_mode_sends_no_partial_batch() throws IOException {
        var s = sink("request: {path: /api/incidents}\nbatch_size: 4");

        try (WindowWriter writer = s.begin(WINDOW)) {
            write(writer, 1, 6);
        }

        assertThat(received()).extracting(r -> ids(body(r))).containsExactly(List.of(1L, 2L, 3L, 4L));
    }

    // ---- empty windows ----

    @Test
    void on_empty_send_posts_an_empty_records_array_for_a_window_without_records() throws IOException {
        var s = sink("request: {path: /api/incidents}\nmode: window\non_empty: send\nbody: {count: \"{{ batch.count }}\", records: \"{{ records }}\"}");

        try (WindowWriter writer = s.begin(WINDOW)) {
            writer.commit();
        }

        assertThat(received()).hasSize(1);
        assertThat(body(received().getFirst())).isEqualTo(JSON.readTree("{\"count\":0,\"records\":[]}"));
    }

    @Test
    void on_empty_send_in_batch_mode_posts_one_empty_array() throws IOException {
        var s = sink("request: {path: /api/incidents}\non_empty: send");

        try (WindowWriter writer = s.begin(WINDOW)) {
            writer.commit();
        }

        assertThat(received()).extracting(TestApi.Request::body).containsExactly("[]");
    }

    @Test
    void on_empty_skip_sends_nothing_for_a_window_without_records() throws IOException {
        var s = sink("request: {path: /api/incidents}\nmode: window\non_empty: skip");

        try (WindowWriter writer = s.begin(WINDOW)) {
            writer.commit();
        }

        assertThat(received()).isEmpty();
    }

    // ---- idempotency keys ----

    @Test
    void idempotency_keys_are_distinct_per_batch_and_the_same_when_the_window_runs_again() throws IOException {
        var s = sink("request: {path: /api/incidents}\nbatch_size: 2");
        try (WindowWriter writer = s.begin(WINDOW)) {
            write(writer, 1, 5);
        } // the first attempt fails before its commit
        try (WindowWriter writer = s.begin(WINDOW)) {
            write(writer, 1, 5);
            writer.commit();
        }

        List<String> keys = keys();
        assertThat(keys.subList(0, 2)).containsExactly("orders/20250101T000000Z_20250101T010000Z/1", "orders/20250101T000000Z_20250101T010000Z/2");
        assertThat(keys.subList(2, 5)).containsExactly("orders/20250101T000000Z_20250101T010000Z/1", "orders/20250101T000000Z_20250101T010000Z/2",
                "orders/20250101T000000Z_20250101T010000Z/3");
    }

    @Test
    void windows_get_keys_of_their_own() throws IOException {
        var s = sink("request: {path: /api/incidents}");
        var next = new TimeWindow(WINDOW.end(), WINDOW.end().plusSeconds(3600));

        for (Window w : List.of(WINDOW, next)) {
            try (WindowWriter writer = s.begin(w)) {
                write(writer, 1, 1);
                writer.commit();
            }
        }

        assertThat(keys()).containsExactly("orders/20250101T000000Z_20250101T010000Z/1", "orders/20250101T010000Z_20250101T020000Z/1");
    }

    @Test
    void the_idempotency_header_can_be_renamed() throws IOException {
        var s = sink("request: {path: /api/incidents}\nidempotency_header: X-Request-Id");

        try (WindowWriter writer = s.begin(WINDOW)) {
            write(writer, 1, 1);
            writer.commit();
        }

        assertThat(received().getFirst().header("X-Request-Id")).isEqualTo("orders/20250101T000000Z_20250101T010000Z/1");
        assertThat(received().getFirst().header("Idempotency-Key")).isNull();
    }

    @Test
    void the_idempotency_header_can_be_turned_off() throws IOException {
        var s = sink("request: {path: /api/incidents}\nidempotency_header: off");

        try (WindowWriter writer = s.begin(WINDOW)) {
            write(writer, 1, 1);
            writer.commit();
        }

        assertThat(received().getFirst().header("Idempotency-Key")).isNull();
    }

    // ---- the connection's rules ----

    @Test
    void sends_the_connections_bearer_token() throws IOException {
        var s = sink("auth: {type: bearer, token: " + TOKEN + "}", "request: {path: /api/incidents}");

        try (WindowWriter writer = s.begin(WINDOW)) {
            write(writer, 1, 1);
            writer.commit();
        }

        assertThat(received().getFirst().header("Authorization")).isEqualTo("Bearer " + TOKEN);
    }

    @Test
    void a_503_then_a_200_is_retried_with_the_same_body_and_key() throws IOException {
        api.on(PATH, status(503), ok("{}"));
        var s = sink("request: {path: /api/incidents}\nmode: window\nbody: {count: \"{{ batch.count }}\", records: \"{{ records }}\"}");

        try (WindowWriter writer = s.begin(WINDOW)) {
            write(writer, 1, 100);
            writer.commit();
        }

        assertThat(received()).hasSize(2);
        assertThat(received().get(1).body()).isEqualTo(received().get(0).body());
        assertThat(received().get(1).header("Idempotency-Key")).isEqualTo(received().get(0).header("Idempotency-Key"));
        assertThat(ids(body(received().get(1)).get("records"))).hasSize(100);
    }

    @Test
    void a_400_fails_the_window_with_method_path_status_and_an_excerpt_without_the_token() throws IOException {
        api.on(PATH, (exchange, request) -> json(400, "{\"error\":\"field 'severity' is required\",\"echo\":\""
                + request.header("Authorization") + "\"}").send(exchange, request));
        var s = sink("auth: {type: bearer, token: " + TOKEN + "}", "request: {path: /api/incidents}");

        SluiceException e = failure(() -> {
            try (WindowWriter writer = s.begin(WINDOW)) {
                write(writer, 1, 3);
                writer.commit();
            }
        });

        assertThat(e.code()).isEqualTo(ErrorCode.SINK_REJECTED);
        assertThat(e.getMessage()).contains("POST /api/incidents", "400", "field 'severity' is required", "Bearer ***",
                "orders/20250101T000000Z_20250101T010000Z/1");
        assertThat(said(e)).doesNotContain(TOKEN);
        assertThat(received()).hasSize(1); // a 400 is not retried
    }

    @Test
    void a_503_on_every_attempt_fails_the_window_as_sink_unavailable() throws IOException {
        api.on(PATH, status(503));
        var s = sink("request: {path: /api/incidents}");

        SluiceException e = failure(() -> {
            try (WindowWriter writer = s.begin(WINDOW)) {
                write(writer, 1, 1);
                writer.commit();
            }
        });

        assertThat(e.code()).isEqualTo(ErrorCode.SINK_UNAVAILABLE);
        assertThat(e.getMessage()).contains("POST /api/incidents", "503", "attempt 3 of 3");
        assertThat(received()).hasSize(3);
    }

    @Test
    void a_failed_batch_says_which_batches_were_delivered_before_it() throws IOException {
        var calls = new AtomicInteger();
        api.on(PATH, (exchange, request) -> (calls.incrementAndGet() == 3 ? status(422) : ok("{}")).send(exchange, request));
        var s = sink("request: {path: /api/incidents}\nbatch_size: 2");

        SluiceException e = failure(() -> {
            try (WindowWriter writer = s.begin(WINDOW)) {
                write(writer, 1, 6);
                writer.commit();
            }
        });

        assertThat(e.code()).isEqualTo(ErrorCode.SINK_REJECTED);
        assertThat(e.getMessage()).contains("request 3 (2 records)", "422", "requests 1 to 2 of the window were delivered");
    }

    @Test
    void the_connections_rate_limit_spaces_the_requests_so_a_throttling_receiver_never_answers_429() throws IOException {
        int rate = 20;
        var bucket = new TokenBucket(rate);
        api.on(PATH, (exchange, request) -> (bucket.take() ? ok("{}") : status(429)).send(exchange, request));
        var s = sink("rate_limit: " + rate + "/s", "request: {path: /api/incidents}\nbatch_size: 1");

        try (WindowWriter writer = s.begin(WINDOW)) {
            write(writer, 1, 25);
            writer.commit();
        }

        assertThat(received()).hasSize(25);
        assertThat(bucket.refused()).isZero();
    }

    @Test
    void shows_method_and_url_as_its_target() {
        var s = sink("request: {method: PUT, path: /api/incidents}");

        assertThat(s.target()).isEqualTo("PUT " + api.url(PATH) + " (connection 'receiver')");
    }

    /** A receiver's token bucket: {@code rate} a second, at most a tenth of it (or 1) at once, starting full. */
    private static final class TokenBucket {
        private final double rate;
        private final double burst;
        private final ReentrantLock lock = new ReentrantLock();
        private double tokens;
        private long last = System.nanoTime();
        private int refused;

        TokenBucket(int rate) {
            this.rate = rate;
            this.burst = Math.max(1, rate / 10.0);
            this.tokens = burst;
        }

        boolean take() {
            lock.lock();
            try {
                long now = System.nanoTime();
                tokens = Math.min(burst, tokens + (now - last) / 1e9 * rate);
                last = now;
                if (tokens >= 1) {
                    tokens -= 1;
                    return true;
                }
                refused++;
                return false;
            } finally {
                lock.unlock();
            }
        }

        int refused() {
            lock.lock();
            try {
                return refused;
            } finally {
                lock.unlock();
            }
        }
    }
}
