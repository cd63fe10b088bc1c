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
import dev.sluice.testkit.demo.MasterControlData;
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

/**
 * Dependent requests against the demo API: fallbacks, key status, merge modes, the cache, the connection's bounds,
 * and requests whose answers come in pages.
 */
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
        return step(api.baseUri(), connectionExtra, stepBody);
    }

    private Step step(java.net.URI baseUrl, String connectionExtra, String stepBody) throws Exception {
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
                """.formatted(baseUrl, connectionExtra.indent(4), stepBody.indent(4));
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

    // Requests whose answers come in pages

    private static final Instant FROM = Instant.parse("2025-01-01T01:00:00Z");
    private static final Instant UNTIL = Instant.parse("2025-01-01T06:00:00Z");

    /** A record that asks for the demo API's records in [FROM, UNTIL): 300 of them. */
    private static List<DataRecord> spanRecords(long... ids) {
        return LongStream.of(ids).mapToObj(id -> new DataRecord(JSON.createObjectNode().put("id", id)
                .put("since", FROM.toString()).put("until", UNTIL.toString()))).toList();
    }

    private static final String SPAN_QUERY = "query: {since: \"{{ record.since }}\", until: \"{{ record.until }}\"}";

    private List<Long> expectedSpan() {
        return api.data().between(FROM, UNTIL).stream().map(o -> o.get("id").asLong()).toList();
    }

    private static List<Long> nestedIds(DataRecord r, String field) {
        var ids = new java.util.ArrayList<Long>();
        r.data().get(field).forEach(v -> ids.add(v.get("id").asLong()));
        return ids;
    }

    /** Serves MasterControl's APIs instead of the demo records. */
    private void masterControl() throws Exception {
        api.close();
        api = DemoApi.start(DemoApiOptions.masterControl());
    }

    private static List<DataRecord> productionRecords(long... ids) {
        return LongStream.of(ids).mapToObj(id -> new DataRecord(JSON.createObjectNode().put("productionRecordId", id))).toList();
    }

    private List<Long> captureIds(long productionRecordId) {
        return api.masterControl().captures(productionRecordId).stream().map(MasterControlData.DataCapture::id).toList();
    }

    private static final String CAPTURES_BY_PAGE = """
            key: "{{ record.productionRecordId }}"
            request: {path: /production-record-data-captures, query: {productionRecordId: "{{ record.productionRecordId }}"}}
            records: $.data[*]
            merge: array
            into: captures
            """;

    @Test
    void page_numbers_with_a_total_gather_the_values_of_every_page_in_order() throws Exception {
        masterControl();
        var s = step(CAPTURES_BY_PAGE + "pagination: {type: page_number, param: pageNumber, size_param: pageSize, size: 5, total: $.totalCount}");

        StepResult result = s.apply(WINDOW, productionRecords(7));

        assertThat(nestedIds(result.records().getFirst(), "captures")).isEqualTo(captureIds(7)).hasSizeGreaterThan(10);
    }

    @Test
    void page_templates_fill_in_the_position_of_each_page_of_a_step_request() throws Exception {
        masterControl();
        var s = step("""
                request:
                  path: /production-record-data-captures
                  query: {productionRecordId: "{{ record.productionRecordId }}", pageNumber: "{{ page.number }}", pageSize: "{{ page.size }}"}
                records: $.data[*]
                pagination: {type: page_number, size: 5, total: $.totalCount, stop: [total]}
                merge: array
                into: captures
                """);

        StepResult result = s.apply(WINDOW, productionRecords(7));

        assertThat(nestedIds(result.records().getFirst(), "captures")).isEqualTo(captureIds(7));
    }

    @Test
    void offsets_gather_the_values_of_every_page_in_order() throws Exception {
        var s = step("request: {path: /offset/records, " + SPAN_QUERY + "}\nrecords: $.items[*]\n"
                + "pagination: {type: offset, size: 64}\nmerge: array\ninto: rows");

        StepResult result = s.apply(WINDOW, spanRecords(1));

        assertThat(nestedIds(result.records().getFirst(), "rows")).isEqualTo(expectedSpan()).hasSize(300);
    }

    @Test
    void a_cursor_gathers_the_values_of_every_page_in_order() throws Exception {
        var s = step("request: {path: /cursor/records, " + SPAN_QUERY + "}\nrecords: $.data[*]\n"
                + "pagination: {type: cursor, from: $.next_cursor, size: 50}\nmerge: array\ninto: rows");

        StepResult result = s.apply(WINDOW, spanRecords(1));

        assertThat(nestedIds(result.records().getFirst(), "rows")).isEqualTo(expectedSpan());
    }

    @Test
    void a_next_link_gathers_the_values_of_every_page_in_order() throws Exception {
        var s = step("request: {path: /link/records, " + SPAN_QUERY + "}\nrecords: $.data[*]\n"
                + "pagination: {type: next_link, from: $.links.next, size: 45}\nmerge: rows\ninto: row");

        StepResult result = s.apply(WINDOW, spanRecords(1));

        assertThat(result.records()).extracting(r -> r.data().get("row").get("id").asLong()).isEqualTo(expectedSpan());
    }

    @Test
    void with_a_total_and_stop_on_total_a_record_whose_values_fit_in_one_page_costs_one_request() throws Exception {
        masterControl();
        var s = step(CAPTURES_BY_PAGE + "pagination: {type: page_number, param: pageNumber, size_param: pageSize, size: 100, "
                + "total: $.totalCount, stop: [total]}");
        assertThat(captureIds(7)).as("captures of record 7").hasSizeLessThan(100);

        StepResult result = s.apply(WINDOW, productionRecords(7));

        assertThat(nestedIds(result.records().getFirst(), "captures")).isEqualTo(captureIds(7));
        assertThat(api.stats().requests("/production-record-data-captures")).isEqualTo(1);
    }

    @Test
    void an_empty_first_page_makes_the_fallback_answer_and_the_key_status_names_it() throws Exception {
        masterControl();
        var lot = api.masterControl().lot("LOT-000014").orElseThrow();
        assertThat(api.masterControl().primaryEmpty(lot.lotNumber()) && !api.masterControl().bothEmpty(lot.lotNumber()))
                .as("only the batch-records API is empty for " + lot.lotNumber()).isTrue();
        var s = step("""
                name: metadata
                key: "{{ record.productionRecordId }}"
                request: {path: /batch-records/production-records-list, query: {lotNumber: "{{ record.lotNumber }}"}}
                records: $.data[*]
                pagination: {type: page_number, param: pageNumber, size_param: pageSize, size: 100, total: $.totalCount}
                fallbacks:
                  - name: data-captures
                    request: {path: /data-captures, query: {lotNumber: "{{ record.lotNumber }}"}}
                    records: $.data[*]
                    pagination: {type: page_number, param: pageNumber, size_param: pageSize, size: 100, total: $.totalCount}
                into: batch
                on_failure: record_key
                """);
        long id = lot.productionRecordIds().getFirst();

        StepResult result = s.apply(WINDOW, List.of(new DataRecord(JSON.createObjectNode().put("productionRecordId", id)
                .put("lotNumber", lot.lotNumber()))));

        assertThat(byKey(result).get(Long.toString(id)).answeredBy()).contains("data-captures");
        assertThat(result.records().getFirst().data().get("batch").get("masterTemplateName").asString()).isEqualTo(lot.masterTemplateName());
        assertThat(api.stats().requests("/batch-records/production-records-list")).isEqualTo(1);
    }

    @Test
    void a_page_after_the_first_that_keeps_failing_fails_the_key_with_the_requests_error() throws Exception {
        var s = step("key: \"{{ record.id }}\"\nrequest: {path: /page/records, " + SPAN_QUERY + "}\nrecords: $.data[*]\n"
                + "pagination: {type: page_number, size: 70, total: $.total}\ninto: rows\nmerge: array\non_failure: record_key");
        // The first page is answered as usual (a fault without delay); every request after it, retries too, gets 503.
        api.faults().add(Fault.latency(Duration.ZERO)).add(Fault.status(503).always());

        StepResult result = s.apply(WINDOW, spanRecords(1));

        KeyResult failed = byKey(result).get("1");
        assertThat(failed.succeeded()).isFalse();
        assertThat(failed.code()).contains(ErrorCode.SOURCE_UNAVAILABLE);
        assertThat(failed.reason().orElseThrow()).contains("primary: ", "/page/records", "503");
        assertThat(result.records()).isEmpty();
        assertThat(result.rejected()).isEqualTo(1);
    }

    @Test
    void by_default_a_page_after_the_first_that_is_not_json_fails_the_window() throws Exception {
        var s = step("request: {path: /page/records, " + SPAN_QUERY + "}\nrecords: $.data[*]\n"
                + "pagination: {type: page_number, size: 70, total: $.total}\ninto: rows\nmerge: array");
        api.faults().add(Fault.malformed().everyNth(2).times(1));

        assertThatThrownBy(() -> s.apply(WINDOW, spanRecords(1))).isInstanceOfSatisfying(SluiceException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_INVALID_DATA);
            assertThat(e.getMessage()).contains("GET /page/records", "is not valid JSON", "the window was not committed");
        });
    }

    @Test
    void a_next_link_to_another_origin_is_not_followed_and_fails_the_key() throws Exception {
        try (var other = TestApi.start()) {
            other.on("/parts", TestApi.ok("{\"data\": [{\"n\": 1}], \"next\": \"http://127.0.0.2:9/parts?page=2\"}"));
            var s = step(other.url(""), "", """
                    key: "{{ record.id }}"
                    request: {path: /parts}
                    records: $.data[*]
                    pagination: {type: next_link, from: $.next}
                    on_failure: record_key
                    """);

            KeyResult failed = byKey(s.apply(WINDOW, records(1))).get("1");

            assertThat(failed.reason().orElseThrow()).contains("another origin (http://127.0.0.2:9)", "allow_origins");
            assertThat(failed.code()).contains(ErrorCode.SOURCE_INVALID_DATA);
            assertThat(other.requests()).hasSize(1);
        }
    }

    @Test
    void a_cursor_the_api_gives_twice_fails_the_key_instead_of_looping() throws Exception {
        var s = step("key: \"{{ record.id }}\"\nrequest: {path: /cursor/records, " + SPAN_QUERY + "}\nrecords: $.data[*]\n"
                + "pagination: {type: cursor, from: $.next_cursor, size: 50}\non_failure: record_key");
        api.faults().add(Fault.repeatCursor().always());

        KeyResult failed = byKey(s.apply(WINDOW, spanRecords(1))).get("1");

        assertThat(failed.code()).contains(ErrorCode.SOURCE_INVALID_DATA);
        assertThat(failed.reason().orElseThrow()).contains("same next page", "twice in the answer to GET /cursor/records");
    }

    @Test
    void a_request_with_more_pages_than_max_pages_fails_the_key_with_what_to_change() throws Exception {
        var s = step("key: \"{{ record.id }}\"\nrequest: {path: /page/records, " + SPAN_QUERY + "}\nrecords: $.data[*]\n"
                + "pagination: {type: page_number, size: 10, max_pages: 5}\non_failure: record_key");

        KeyResult failed = byKey(s.apply(WINDOW, spanRecords(1))).get("1");

        assertThat(failed.code()).contains(ErrorCode.SOURCE_INVALID_DATA);
        assertThat(failed.reason().orElseThrow()).contains("GET /page/records has more than max_pages 5 pages", "raise pagination.max_pages");
        assertThat(api.stats().requests("/page/records")).isEqualTo(5);
    }

    @Test
    void records_sharing_a_paginated_request_have_its_pages_fetched_once() throws Exception {
        var s = step("request: {path: /page/records, " + SPAN_QUERY + "}\nrecords: $.data[*]\n"
                + "pagination: {type: page_number, size: 100, total: $.total}\nmerge: array\ninto: rows");

        StepResult result = s.apply(WINDOW, spanRecords(1, 2));

        assertThat(result.records()).allSatisfy(r -> assertThat(nestedIds(r, "rows")).isEqualTo(expectedSpan()));
        assertThat(api.stats().requests("/page/records")).isEqualTo(3);
    }

    // empty_reason

    @Test
    void empty_reason_is_the_reason_of_a_key_whose_requests_all_answered_empty() throws Exception {
        var s = step(DETAILS_WITH_FALLBACK + "empty_reason: \"Both API calls returned empty\"");

        KeyResult failed = byKey(s.apply(WINDOW, records(12))).get("12");

        assertThat(failed.reason()).contains("Both API calls returned empty");
    }

    @Test
    void empty_reason_is_what_the_failed_window_says_when_every_request_answered_empty() throws Exception {
        var s = step("""
                request: {path: "/details/{{ record.id }}"}
                records: $.data[*]
                empty_reason: "Both API calls returned empty"
                """);

        assertThatThrownBy(() -> s.apply(WINDOW, records(8))).isInstanceOfSatisfying(SluiceException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.STEP_FAILED);
            assertThat(e.getMessage()).contains(": Both API calls returned empty; the window was not committed").doesNotContain("the request returned empty");
        });
    }

    // Configuration

    @Test
    void an_unknown_key_in_a_steps_pagination_is_reported_with_its_line_and_the_closest_key() {
        String said = HttpFixtures.failure(() -> step("""
                request: {path: /page/records}
                pagination: {type: page_number, sise: 10}
                """)).getMessage();

        assertThat(said).containsPattern("test\\.yaml line 13:\\d+: steps\\[0\\]\\.pagination\\.sise: unknown key \\(did you mean 'size'\\?\\)");
    }

    @Test
    void a_bad_pagination_type_in_a_fallback_is_reported_with_its_line_and_the_valid_types() {
        String said = HttpFixtures.failure(() -> step("""
                request: {path: /page/records}
                fallbacks:
                  - request: {path: /offset/records}
                    pagination: {type: pages}
                """)).getMessage();

        assertThat(said).containsPattern("test\\.yaml line 15:\\d+: steps\\[0\\]\\.fallbacks\\[0\\]\\.pagination\\.type: 'pages' is not valid; "
                + "use one of: none, page_number, offset, cursor, next_link, link_header");
    }

    @Test
    void empty_reason_with_on_empty_keep_is_refused_since_such_keys_do_not_fail() {
        String said = HttpFixtures.failure(() -> step("""
                request: {path: /page/records}
                on_empty: keep
                empty_reason: nothing found
                """)).getMessage();

        assertThat(said).contains("empty_reason: with on_empty: keep a key whose requests all answered empty does not fail");
    }
}
