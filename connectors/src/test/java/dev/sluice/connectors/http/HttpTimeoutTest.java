package dev.sluice.connectors.http;

import static dev.sluice.connectors.http.HttpFixtures.failure;
import static dev.sluice.connectors.http.HttpFixtures.ms;
import static dev.sluice.connectors.http.HttpFixtures.retries;
import static dev.sluice.connectors.http.HttpFixtures.settings;
import static dev.sluice.connectors.http.TestApi.bytes;
import static dev.sluice.connectors.http.TestApi.trickle;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ErrorCode;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpTimeoutTest {
    private TestApi api;

    @BeforeEach
    void start() throws Exception {
        api = TestApi.start();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void times_out_reading_from_a_server_that_never_answers_and_retries() {
        api.on("/x", api.silence());
        try (var c = settings(api.url("/")).timeouts(Duration.ofSeconds(1), ms(200), Duration.ofSeconds(5)).retry(retries(2)).open()) {
            var e = failure(() -> c.send(HttpCall.get("x", "source")));

            assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_UNAVAILABLE);
            assertThat(e.getMessage()).isEqualTo("connection 'api', source: GET /x timed out after 200ms (read timeout) on attempt 2 of 2; "
                    + "the window was not committed; the next run retries it");
        }
        assertThat(api.requests("/x")).hasSize(2);
    }

    @Test
    void times_out_a_body_that_keeps_coming_too_slowly_for_the_total_timeout() {
        api.on("/x", trickle(ms(20)));
        try (var c = settings(api.url("/")).timeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), ms(300)).retry(retries(1)).open()) {
            long started = System.nanoTime();
            var e = failure(() -> c.send(HttpCall.get("x", "source")));

            assertThat(e.getMessage()).contains("timed out after 300ms (total timeout) on attempt 1 of 1");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
        }
    }

    @Test
    void times_out_a_body_that_stops_between_two_parts() {
        api.on("/x", trickle(Duration.ofSeconds(10)));
        try (var c = settings(api.url("/")).timeouts(Duration.ofSeconds(1), ms(200), Duration.ofSeconds(5)).retry(retries(1)).open()) {
            var e = failure(() -> c.send(HttpCall.get("x", "source")));

            assertThat(e.getMessage()).contains("timed out after 200ms (read timeout)");
        }
    }

    @Test
    void refuses_a_body_larger_than_max_body_without_reading_all_of_it() {
        api.on("/x", bytes(10 << 20, false));
        var s = settings(api.url("/"));
        s.maxBody = new ByteSize(64 << 10);
        try (var c = s.open()) {
            var e = failure(() -> c.send(HttpCall.get("x", "source")));

            assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_INVALID_DATA);
            assertThat(e.getMessage()).isEqualTo("connection 'api', source: the response of GET /x is larger than max_body 64KB; "
                    + "raise connections.api.max_body or ask for smaller pages");
        }
        assertThat(api.requests("/x")).hasSize(1);
    }

    @Test
    void refuses_a_declared_content_length_larger_than_max_body() {
        api.on("/x", bytes(1 << 20, true));
        var s = settings(api.url("/"));
        s.maxBody = new ByteSize(1024);
        try (var c = s.open()) {
            assertThat(failure(() -> c.send(HttpCall.get("x", "source"))).code()).isEqualTo(ErrorCode.SOURCE_INVALID_DATA);
        }
    }

    @Test
    void returns_a_body_of_exactly_max_body_whole() {
        api.on("/x", bytes(64 << 10, false));
        var s = settings(api.url("/"));
        s.maxBody = new ByteSize(64 << 10);
        try (var c = s.open()) {
            assertThat(c.send(HttpCall.get("x", "source")).body()).hasSize(64 << 10);
        }
    }
}
