package dev.sluice.connectors.http;

import static dev.sluice.connectors.http.HttpFixtures.failure;
import static dev.sluice.connectors.http.HttpFixtures.retries;
import static dev.sluice.connectors.http.HttpFixtures.settings;
import static dev.sluice.connectors.http.TestApi.cutOff;
import static dev.sluice.connectors.http.TestApi.dropConnection;
import static dev.sluice.connectors.http.TestApi.json;
import static dev.sluice.connectors.http.TestApi.ok;
import static dev.sluice.connectors.http.TestApi.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.connectors.http.HttpConnectionConfig.RetryPolicy;
import dev.sluice.core.ErrorCode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpRetryTest {
    private TestApi api;
    private HttpConnection connection;

    @BeforeEach
    void start() throws Exception {
        api = TestApi.start();
        connection = settings(api.url("/v1")).open();
    }

    @AfterEach
    void stop() {
        connection.close();
        api.close();
    }

    private HttpAnswer get() {
        return connection.send(HttpCall.get("x", "source"));
    }

    /** Milliseconds between the server's receipt of request {@code i - 1} and request {@code i}. */
    private long gapMillis(int i) {
        var r = api.requests("/v1/x");
        return Duration.ofNanos(r.get(i).nanos() - r.get(i - 1).nanos()).toMillis();
    }

    @Test
    void retries_a_500_and_returns_the_answer_that_follows() {
        api.on("/v1/x", status(500), ok("{\"ok\":true}"));

        var answer = get();

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.attempts()).isEqualTo(2);
        assertThat(api.requests("/v1/x")).hasSize(2);
        assertThat(connection.stats().retries()).isEqualTo(1);
        assertThat(connection.stats().responsesByStatus()).containsExactly(Map.entry(200, 1L), Map.entry(500, 1L));
    }

    @Test
    void retries_when_the_server_closes_the_connection_in_the_middle_of_an_answer() {
        api.on("/v1/x", cutOff(), ok("{}"));

        var answer = get();

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.attempts()).isEqualTo(2);
        assertThat(api.requests("/v1/x")).hasSize(2);
    }

    @Test
    void retries_when_the_server_keeps_closing_the_connection_without_answering() {
        api.on("/v1/x", dropConnection(), dropConnection(), ok("{}"));

        var answer = get();

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.attempts()).isEqualTo(2);
    }

    @Test
    void waits_at_least_the_seconds_that_retry_after_asks() {
        api.on("/v1/x", json(429, "{}", "Retry-After", "1"), ok("{}"));

        get();

        assertThat(gapMillis(1)).isGreaterThanOrEqualTo(1000);
        assertThat(connection.stats().throttled()).isEqualTo(1);
    }

    @Test
    void waits_until_the_http_date_that_retry_after_names() {
        var asked = new AtomicReference<Duration>();
        api.on("/v1/x", (exchange, request) -> {
            Instant now = Instant.now();
            Instant at = now.plusSeconds(2).truncatedTo(ChronoUnit.SECONDS); // 1 to 2 s ahead: HTTP dates have whole seconds
            asked.set(Duration.between(now, at));
            json(503, "{}", "Retry-After", DateTimeFormatter.RFC_1123_DATE_TIME.format(at.atZone(ZoneOffset.UTC))).send(exchange, request);
        }, ok("{}"));

        get();

        assertThat(asked.get()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(gapMillis(1)).isGreaterThanOrEqualTo(asked.get().toMillis() - 20); // 20 ms for wall clock against nanoTime
    }

    @Test
    void fails_at_once_when_retry_after_is_longer_than_max_retry_after() {
        api.on("/v1/x", json(503, "{}", "Retry-After", "300"));

        var e = failure(this::get);

        assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_UNAVAILABLE);
        assertThat(e.getMessage()).contains("Retry-After 5m").contains("max_retry_after 2m").contains("raise connections.api.retry.max_retry_after");
        assertThat(api.requests("/v1/x")).hasSize(1);
    }

    @Test
    void gives_source_unavailable_with_the_attempt_count_when_retries_run_out() {
        api.on("/v1/x", json(503, "{\"error\":\"maintenance\"}"));

        var e = failure(this::get);

        assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_UNAVAILABLE);
        assertThat(e.getMessage()).isEqualTo("connection 'api', source: GET /v1/x answered 503 ({\"error\":\"maintenance\"}) on attempt 3 of 3; "
                + "the window was not committed; the next run retries it");
        assertThat(api.requests("/v1/x")).hasSize(3);
    }

    @Test
    void names_the_exception_when_retries_of_io_errors_run_out() {
        api.on("/v1/x", dropConnection());

        var e = failure(this::get);

        assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_UNAVAILABLE);
        assertThat(e.getMessage()).startsWith("connection 'api', source: GET /v1/x failed with ").contains("on attempt 3 of 3");
    }

    @Test
    void does_not_retry_a_404_and_gives_source_rejected_with_the_body() {
        api.on("/v1/x", json(404, "{\"error\":\"no such lot\"}"));

        var e = failure(this::get);

        assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_REJECTED);
        assertThat(e.getMessage()).contains("answered 404").contains("no such lot");
        assertThat(api.requests("/v1/x")).hasSize(1);
    }

    @Test
    void cuts_the_body_excerpt_in_a_message_to_300_characters() {
        api.on("/v1/x", json(400, "x".repeat(5000)));

        var e = failure(this::get);

        assertThat(e.getMessage()).contains("x".repeat(299) + "…").doesNotContain("x".repeat(300));
    }

    @Test
    void answers_a_declared_empty_status_at_once_without_retry_or_failure() {
        api.on("/v1/x", json(400, "{\"error\":\"no data captured\"}"));
        try (var logs = HttpFixtures.logLines()) {
            var answer = connection.send(new HttpCall("GET", "x", Map.of(), Map.of(), Optional.empty(), Set.of(400, 503), "step 'captures'"));

            assertThat(answer.declaredEmpty()).isTrue();
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.attempts()).isEqualTo(1);
            assertThat(logs.lines()).singleElement().asString().startsWith("WARN").contains("step 'captures'").contains("400").contains("/v1/x");
        }
        assertThat(api.requests("/v1/x")).hasSize(1);
        assertThat(connection.stats().declaredEmpty()).isEqualTo(1);
    }

    @Test
    void does_not_retry_a_5xx_that_on_status_leaves_out() throws Exception {
        api.on("/v1/x", status(500));
        var only503 = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5), 2, 0, Duration.ofMinutes(2), Set.of(503));
        try (var c = settings(api.url("/v1")).retry(only503).open()) {
            var e = failure(() -> c.send(HttpCall.get("x", "source")));

            assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_UNAVAILABLE);
            assertThat(e.getMessage()).contains("retry.on_status does not retry");
        }
        assertThat(api.requests("/v1/x")).hasSize(1);
    }

    @Test
    void logs_one_warning_per_retry_with_the_attempt_and_the_wait() {
        api.on("/v1/x", status(502), cutOff(), ok("{}"));
        try (var logs = HttpFixtures.logLines()) {
            get();

            assertThat(logs.lines()).hasSize(2);
            assertThat(logs.lines().get(0)).startsWith("WARN").contains("answered 502").contains("attempt 1 of 3")
                    .contains("connection=\"api\"").contains("call=\"source\"").contains("failure=\"502\"").contains("wait_ms=");
            assertThat(logs.lines().get(1)).contains("attempt 2 of 3").contains("failed with");
        }
    }

    @Test
    void backs_off_longer_after_each_failure() {
        var slow = new RetryPolicy(4, Duration.ofMillis(50), Duration.ofSeconds(1), 3, 0, Duration.ofMinutes(2), RetryPolicy.DEFAULT_STATUSES);
        api.on("/v1/x", status(500), status(500), status(500), ok("{}"));
        try (var c = settings(api.url("/v1")).retry(slow).open()) {
            c.send(HttpCall.get("x", "source"));
        }
        assertThat(gapMillis(1)).isGreaterThanOrEqualTo(50);
        assertThat(gapMillis(2)).isGreaterThanOrEqualTo(150);
        assertThat(gapMillis(3)).isGreaterThanOrEqualTo(450);
    }

    @Test
    void a_single_attempt_policy_does_not_retry() {
        api.on("/v1/x", status(500), ok("{}"));
        try (var c = settings(api.url("/v1")).retry(retries(1)).open()) {
            var e = failure(() -> c.send(HttpCall.get("x", "source")));

            assertThat(e.getMessage()).contains("on attempt 1 of 1");
        }
    }
}
