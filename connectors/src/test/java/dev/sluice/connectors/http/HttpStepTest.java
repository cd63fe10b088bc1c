package dev.sluice.connectors.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import dev.sluice.core.spi.DataRecord;
import dev.sluice.core.spi.KeyResult;
import dev.sluice.core.spi.Step;
import dev.sluice.core.spi.StepResult;
import dev.sluice.core.window.TimeWindow;
import dev.sluice.testkit.demo.DemoApi;
import dev.sluice.testkit.demo.DemoApiOptions;
import dev.sluice.testkit.demo.Fault;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** Dependent requests against the demo API: fallbacks, key status, merge modes, the cache and the connection's bounds. */
class HttpStepTest {
    private static final TimeWindow WINDOW = new TimeWindow(Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2025-01-01T01:00:00Z"));
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;
    DemoApi api;
    Step step;

    @BeforeEach
    void start() throws Exception {
        api = DemoApi.start(DemoApiOptions.defaults());
    }

    @AfterEach
    void stop() throws Exception {
        if (step != null)
            step.close();
        api.close();
    }

    private Step step(String stepBody) throws Exception {
        return step("", stepBody);
    }

    private Step step(String connectionExtra, String stepBody) throws Exception {
        String text = """
                connections:
                  demo:
                    base_url: %s
                    retry: {max_attempts: 2, initial_backoff: 5ms, max_backoff: 10ms}
                %s
                source: {type: generate, every: 1m}
                steps:
                  - type: http
                    connection: demo
                %s
                """.formatted(api.baseUri(), connectionExtra.indent(4), stepBody.indent(4));
        step = PipelineFixture.load(dir, "{cursor: time, start: 2025-01-01T00:00:00Z, size: 1h}", text).steps().getFirst().step();
        step.open(PipelineFixture.STEP_CONTEXT);
        return step;
    }

    private static List<DataRecord> records(long... ids) {
        return LongStream.of(ids).mapToObj(id -> new DataRecord(JSON.createObjectNode().put("id", id).put("lot", "LOT-%04d".formatted(id % 3)))).toList();
    }

    private static Map<String, KeyResult> byKey(StepResult result) {
        return result.keys().stream().collect(Collectors.toMap(KeyResult::key, Function.identity()));
    }

    private static final String DETAILS_WITH_FALLBACK = """
            name: details
            key: "{{ record.id }}"
            request: {path: "/details/{{ record.id }}"}
            records: $.data[*]
            fallbacks:
              - name: by-fallback
                request: {path: "/details-fallback/{{ record.id }}"}
                records: $.data[*]
            on_failure: record_key
            """;

    @Test
    void an_unnamed_step_nests_its_answer_under_the_name_its_key_status_uses() throws Exception {
        var s = step("""
                key: "{{ record.id }}"
                request: {path: "/details/{{ record.id }}"}
                records: $.data[*]
                """);

        StepResult result = s.apply(WINDOW, records(1));

        assertThat(result.records().getFirst().data().get("http-1").get("source").asString()).isEqualTo("primary");
    }

    @Test
    void the_fallback_answers_where_the_primary_request_is_empty() throws Exception {
        var s = step(DETAILS_WITH_FALLBACK);

        StepResult result = s.apply(WINDOW, records(1, 4, 5));

        assertThat(result.records()).extracting(r -> r.data().get("details").get("source").asString())
                .containsExactly("primary", "fallback", "primary");
        assertThat(byKey(result).get("4").answeredBy()).contains("by-fallback");
        assertThat(byKey(result).get("1").answeredBy()).contains("primary");
    }

    @Test
    void a_key_where_every_request_is_empty_is_failed_with_the_reason_and_its_record_left_out() throws Exception {
        var s = step(DETAILS_WITH_FALLBACK);

        StepResult result = s.apply(WINDOW, records(11, 12));

        KeyResult failed = byKey(result).get("12");
        assertThat(failed.succeeded()).isFalse();
        assertThat(failed.reason()).contains("all requests returned empty");
        assertThat(result.records()).extracting(r -> r.data().get("id").asLong()).containsExactly(11L);
        assertThat(result.rejected()).isEqualTo(1);
    }

    @Test
    void a_request_that_keeps_failing_falls_back_and_the_status_says_which_answered() throws Exception {
        var s = step(DETAILS_WITH_FALLBACK);
        api.faults().add(Fault.status(503).always().at("/details/"));

        StepResult result = s.apply(WINDOW, records(5));

        assertThat(result.records()).extracting(r -> r.data().get("details").get("source").asString()).containsExactly("fallback");
        assertThat(byKey(result).get("5").answeredBy()).contains("by-fallback");
    }

    @Test
    void when_every_request_fails_the_reason_names_each_failure() throws Exception {
        var s = step(DETAILS_WITH_FALLBACK);
        api.faults().add(Fault.status(503).always().at("/details"));

        KeyResult failed = byKey(s.apply(WINDOW, records(5))).get("5");

        assertThat(failed.reason().orElseThrow()).contains("primary: ", "by-fallback: ", "503");
        assertThat(failed.code()).contains(ErrorCode.SOURCE_UNAVAILABLE);
    }

    @Test
    void by_default_a_key_that_fails_fails_the_window() throws Exception {
        var s = step("""
                request: {path: "/details/{{ record.id }}"}
                records: $.data[*]
                """);

        assertThatThrownBy(() -> s.apply(WINDOW, records(1, 8))).isInstanceOfSatisfying(SluiceException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.STEP_FAILED);
            assertThat(e.getMessage()).contains("the request returned empty", "on_failure: record_key");
        });
    }

    @Test
    void records_sharing_a_request_make_it_once_per_run() throws Exception {
        var s = step("""
                request: {path: "/lots/{{ record.lot }}"}
                into: lot_info
                """);

        StepResult result = s.apply(WINDOW, records(1, 2, 3, 4, 5, 6, 7, 8, 9));
        s.apply(WINDOW, records(10, 11, 12));

        assertThat(result.records()).allSatisfy(r -> assertThat(r.data().get("lot_info").get("lot").asString()).isEqualTo(r.data().get("lot").asString()));
        assertThat(api.stats().requests()).isEqualTo(3);
    }

    @Test
    void rows_merge_gives_one_record_per_element_of_the_answer() throws Exception {
        var s = step("""
                request: {path: "/lots/{{ record.lot }}"}
                records: $.items[*]
                merge: rows
                into: item
                """);
        int items = JSON.readTree(java.net.URI.create(api.baseUri() + "/lots/LOT-0001").toURL().openStream()).get("items").size();

        StepResult result = s.apply(WINDOW, records(1));

        assertThat(result.records()).hasSize(items);
        assertThat(result.records()).extracting(r -> r.data().get("item").get("step").asInt()).containsExactly(
                java.util.stream.IntStream.rangeClosed(1, items).boxed().toArray(Integer[]::new));
        assertThat(result.records()).allSatisfy(r -> assertThat(r.data().get("id").asLong()).isEqualTo(1));
    }

    @Test
    void array_merge_nests_every_element_and_fields_merge_lifts_the_first_one() throws Exception {
        var arrays = step("""
                request: {path: "/lots/{{ record.lot }}"}
                records: $.items[*]
                merge: array
                into: items
                """).apply(WINDOW, records(1));
        step.close();
        var fields = step("""
                request: {path: "/details/{{ record.id }}"}
                records: $.data[*]
                merge: fields
                """).apply(WINDOW, records(1));

        assertThat(arrays.records().getFirst().data().get("items").isArray()).isTrue();
        assertThat(fields.records().getFirst().data().get("detail")).isNotNull();
        assertThat(fields.records().getFirst().data().get("source").asString()).isEqualTo("primary");
    }

    @Test
    void an_answer_declared_empty_is_counted_and_kept_when_the_step_allows_empty() throws Exception {
        var s = step("""
                key: "{{ record.id }}"
                request: {path: "/optional/{{ record.id }}", empty_statuses: [400]}
                on_empty: keep
                """);

        StepResult result = s.apply(WINDOW, records(1, 2));

        assertThat(result.emptyAnswers()).isEqualTo(2);
        assertThat(result.records()).hasSize(2);
        assertThat(result.keys()).allSatisfy(k -> assertThat(k.succeeded()).isTrue());
    }

    @Test
    void calls_in_flight_never_exceed_the_connections_concurrency() throws Exception {
        var s = step("concurrency: 3", """
                request: {path: "/details/{{ record.id }}"}
                records: $.data[*]
                on_empty: keep
                """);
        api.faults().add(Fault.latency(Duration.ofMillis(30)).always());

        s.apply(WINDOW, records(LongStream.rangeClosed(1, 24).toArray()));

        assertThat(api.stats().maxInFlight()).isBetween(2, 3);
    }

    @Test
    void wrong_credentials_fail_the_window_even_when_keys_may_fail() throws Exception {
        api.close();
        api = DemoApi.start(DemoApiOptions.defaults().withAuth(dev.sluice.testkit.demo.AuthMode.BEARER));
        var s = step("auth: {type: bearer, token: wrong-token}", DETAILS_WITH_FALLBACK);

        assertThatThrownBy(() -> s.apply(WINDOW, records(1))).isInstanceOfSatisfying(SluiceException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_AUTH_FAILED));
    }
}
