package dev.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.PipelineId;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.PipelineConfig;
import dev.sluice.core.runner.RunListener;
import dev.sluice.core.runner.RunResult;
import dev.sluice.core.runner.Runner;
import dev.sluice.core.runner.StopSignal;
import dev.sluice.core.state.Position;
import dev.sluice.core.state.RunStatus;
import dev.sluice.core.state.StateStore;
import dev.sluice.core.window.CursorKind;
import dev.sluice.core.window.TimeWindow;
import dev.sluice.state.Leases;
import dev.sluice.state.StateStores;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Whole pipelines into the HTTP sink, run by the runner on a real SQLite store: generated records (one a
 * minute) in hourly windows, posted to an in-process receiver that keeps each idempotency key once.
 */
class HttpSinkPipelineTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final Clock NOW = Clock.fixed(Instant.parse("2025-01-01T06:00:00Z"), ZoneOffset.UTC);
    private static final JsonMapper JSON = JsonMapper.shared();
    private static final PipelineId PIPELINE = new PipelineId("incidents");

    @TempDir
    Path dir;
    StateStore store;
    Receiver receiver;

    @BeforeEach
    void start() throws IOException {
        store = StateStores.open("sqlite:" + dir.resolve("state.db"));
        receiver = Receiver.start();
    }

    @AfterEach
    void stop() {
        receiver.close();
        store.close();
    }

    /** Three hourly windows of generated records (60 each, `every` apart), into the receiver with {@code sink}. */
    private String pipeline(String every, String sink) {
        return """
                name: incidents
                windows: {cursor: time, start: 2025-01-01T00:00:00Z, end: 2025-01-01T03:00:00Z, size: 1h}
                connections:
                  receiver:
                    base_url: %s
                    retry: {max_attempts: 2, initial_backoff: 5ms, max_backoff: 10ms}
                    circuit_breaker: off
                source: {type: generate, every: %s}
                sink:
                  type: http
                  connection: receiver
                  request: {path: /api/incidents}
                %s
                """.formatted(receiver.baseUri(), every, sink.indent(2));
    }

    private static final String BATCHES_OF_25 = """
            batch_size: 25
            body: {window_start: "{{ window.start }}", count: "{{ batch.count }}", records: "{{ records }}"}
            """;

    private RunResult run(String text) {
        PipelineConfig config = ConfigLoader.standard().load(dir.resolve("incidents.yaml"), text);
        return new Runner(config, store, NOW, RunListener.NONE, new StopSignal(), Leases.currentHolder()).run();
    }

    private static TimeWindow hour(int i) {
        return new TimeWindow(T0.plusSeconds(3600L * i), T0.plusSeconds(3600L * (i + 1)));
    }

    private static String key(int hour, int request) {
        return "incidents/" + hour(hour).fileName() + "/" + request;
    }

    /** The generated records' ids of the first {@code hours} hours: the epoch minute of each. */
    private static List<Long> expectedIds(int hours) {
        long first = T0.getEpochSecond() / 60;
        return LongStream.range(first, first + 60L * hours).boxed().toList();
    }

    /** The ids of every record the receiver kept, key by key. */
    private List<Long> keptIds() {
        var ids = new ArrayList<Long>();
        for (String body : receiver.kept().values())
            JSON.readTree(body).get("records").forEach(r -> ids.add(r.get("id").asLong()));
        return ids;
    }

    private List<String> keysSent(int fromRequest, int hour) {
        return receiver.requests().subList(fromRequest, receiver.requests().size()).stream().map(Receiver.Request::key)
                .filter(k -> k.startsWith("incidents/" + hour(hour).fileName() + "/")).toList();
    }

    private Instant watermark() {
        return store.watermark(PIPELINE, CursorKind.TIME).map(Position::instant).orElseThrow();
    }

    @Test
    void every_record_arrives_exactly_once_in_batches_of_its_window() {
        RunResult result = run(pipeline("1m", BATCHES_OF_25));

        assertThat(result.status()).as(result.errors().toString()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(receiver.requests()).hasSize(9);
        assertThat(receiver.kept().keySet()).containsExactly(key(0, 1), key(0, 2), key(0, 3), key(1, 1), key(1, 2), key(1, 3),
                key(2, 1), key(2, 2), key(2, 3));
        assertThat(keptIds()).containsExactlyElementsOf(expectedIds(3));
        JsonNode last = JSON.readTree(receiver.kept().get(key(2, 3)));
        assertThat(last.get("window_start").asString()).isEqualTo("2025-01-01T02:00:00Z");
        assertThat(last.get("count").asInt()).isEqualTo(10);
        assertThat(watermark()).isEqualTo(hour(2).end());
    }

    @Test
    void a_failed_window_is_sent_again_under_the_same_keys_so_the_receiver_keeps_each_record_once() {
        receiver.refuse(key(1, 2));

        RunResult failed = run(pipeline("1m", BATCHES_OF_25));

        assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
        assertThat(failed.errors()).extracting(e -> e.code()).containsExactly(ErrorCode.SINK_UNAVAILABLE);
        assertThat(failed.errors().getFirst().getMessage()).contains("POST /api/incidents", "503", key(1, 2));
        assertThat(watermark()).isEqualTo(hour(0).end());
        List<String> firstAttempt = keysSent(0, 1);
        assertThat(firstAttempt).containsExactly(key(1, 1), key(1, 2), key(1, 2)); // the second key's retry, refused again

        receiver.accept();
        int before = receiver.requests().size();
        RunResult rerun = run(pipeline("1m", BATCHES_OF_25));

        assertThat(rerun.status()).as(rerun.errors().toString()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(keysSent(before, 1)).containsExactly(key(1, 1), key(1, 2), key(1, 3));
        assertThat(keptIds()).containsExactlyInAnyOrderElementsOf(expectedIds(3)).doesNotHaveDuplicates();
        assertThat(watermark()).isEqualTo(hour(2).end());
    }

    @Test
    void a_window_without_records_posts_an_empty_payload_when_on_empty_is_send() {
        // one record every two hours: the second window has none
        RunResult result = run(pipeline("2h", """
                mode: window
                on_empty: send
                body: {from: "{{ window.start }}", to: "{{ window.end }}", count: "{{ batch.count }}", records: "{{ records }}"}
                """));

        assertThat(result.status()).as(result.errors().toString()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(receiver.kept().keySet()).containsExactly(key(0, 1), key(1, 1), key(2, 1));
        JsonNode empty = JSON.readTree(receiver.kept().get(key(1, 1)));
        assertThat(empty.get("from").asString()).isEqualTo("2025-01-01T01:00:00Z");
        assertThat(empty.get("count").asInt()).isZero();
        assertThat(empty.get("records").isEmpty()).isTrue();
        assertThat(JSON.readTree(receiver.kept().get(key(2, 1))).get("count").asInt()).isEqualTo(1);
    }
}
