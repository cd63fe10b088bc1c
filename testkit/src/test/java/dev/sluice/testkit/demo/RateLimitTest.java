package dev.sluice.testkit.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

class RateLimitTest {
    private final TestClock clock = new TestClock(Instant.parse("2026-03-01T00:00:00Z"));

    @Test
    void a_request_beyond_the_burst_gets_429_with_retry_after_one_second() throws Exception {
        // 20 a second: the bucket holds 20 / 10 = 2 requests.
        try (var api = start(20); var client = new Client(api)) {
            client.get("/records?size=1");
            client.get("/records?size=1");

            var refused = client.get("/records?size=1");

            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).contains("1");
        }
    }

    @Test
    void a_low_rate_bucket_holds_one_request() throws Exception {
        try (var api = start(5); var client = new Client(api)) {
            client.get("/records?size=1");

            assertThat(client.get("/records?size=1").statusCode()).isEqualTo(429);
        }
    }

    @Test
    void the_bucket_refills_one_request_every_one_over_rate_seconds() throws Exception {
        try (var api = start(4); var client = new Client(api)) {
            client.get("/records?size=1");
            clock.advance(Duration.ofMillis(249));
            assertThat(client.get("/records?size=1").statusCode()).isEqualTo(429);

            clock.advance(Duration.ofMillis(1));

            assertThat(client.get("/records?size=1").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void a_client_spaced_evenly_at_the_rate_never_gets_429() throws Exception {
        try (var api = start(7); var client = new Client(api)) {
            var statuses = new ArrayList<Integer>();
            for (int i = 0; i < 50; i++) {
                statuses.add(client.get("/records?size=1").statusCode());
                clock.advance(Duration.ofNanos(Math.ceilDiv(1_000_000_000L, 7)));
            }

            assertThat(statuses).containsOnly(200);
        }
    }

    @Test
    void every_429_served_is_counted() throws Exception {
        try (var api = start(5); var client = new Client(api)) {
            for (int i = 0; i < 4; i++)
                client.get("/records?size=1");

            assertThat(api.stats().tooManyRequests()).isEqualTo(3);
        }
    }

    @Test
    void no_rate_limit_by_default() throws Exception {
        try (var api = DemoApi.start(DemoApiOptions.defaults().withClock(clock)); var client = new Client(api)) {
            for (int i = 0; i < 30; i++)
                assertThat(client.get("/records?size=1").statusCode()).isEqualTo(200);
        }
    }

    private DemoApi start(int rate) throws Exception {
        return DemoApi.start(DemoApiOptions.defaults().withRateLimit(rate).withClock(clock));
    }
}
