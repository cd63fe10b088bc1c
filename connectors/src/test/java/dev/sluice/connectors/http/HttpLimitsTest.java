package dev.sluice.connectors.http;

import static dev.sluice.connectors.http.HttpFixtures.failure;
import static dev.sluice.connectors.http.HttpFixtures.ms;
import static dev.sluice.connectors.http.HttpFixtures.retries;
import static dev.sluice.connectors.http.HttpFixtures.settings;
import static dev.sluice.connectors.http.TestApi.ok;
import static dev.sluice.connectors.http.TestApi.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.connectors.http.HttpConnectionConfig.Breaker;
import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpLimitsTest {
    private TestApi api;

    @BeforeEach
    void start() throws Exception {
        api = TestApi.start();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    /** Sends {@code calls} GETs of /x from {@code threads} virtual threads at once, and waits for all. */
    private static List<HttpAnswer> parallel(HttpConnection c, int calls) throws Exception {
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var futures = new ArrayList<Future<HttpAnswer>>();
            for (int i = 0; i < calls; i++)
                futures.add(pool.submit(() -> c.send(HttpCall.get("x", "source"))));
            var out = new ArrayList<HttpAnswer>();
            for (var f : futures)
                out.add(f.get());
            return out;
        }
    }

    @Test
    void opens_the_circuit_after_failures_fails_fast_then_half_opens_after_open_for() {
        api.on("/x", status(500));
        var s = settings(api.url("/")).retry(retries(1));
        s.breaker = Optional.of(new Breaker(50, 4, ms(200)));
        try (var c = s.open()) {
            for (int i = 0; i < 4; i++)
                assertThat(failure(() -> c.send(HttpCall.get("x", "source"))).getMessage()).contains("answered 500");

            var fast = failure(() -> c.send(HttpCall.get("x", "source")));

            assertThat(fast.code()).isEqualTo(ErrorCode.SOURCE_UNAVAILABLE);
            assertThat(fast.getMessage()).contains("circuit breaker open after 4 failures in the last 4 calls; calls resume after 200ms");
            assertThat(api.requests("/x")).hasSize(4);
            assertThat(c.stats().circuit()).isEqualTo(HttpStats.Circuit.OPEN);

            api.on("/x", ok("{}"));
            HttpAnswer through = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (through == null && System.nanoTime() < deadline) {
                try {
                    through = c.send(HttpCall.get("x", "source"));
                } catch (SluiceException stillOpen) {
                    assertThat(stillOpen.getMessage()).contains("circuit breaker open");
                    LockSupport.parkNanos(ms(10).toNanos()); // polling the condition "the circuit lets a call through"
                }
            }
            assertThat(through).isNotNull();
            assertThat(through.status()).isEqualTo(200);
            assertThat(api.requests("/x")).hasSize(5);
            assertThat(c.stats().circuit()).isIn(HttpStats.Circuit.HALF_OPEN, HttpStats.Circuit.CLOSED);
        }
    }

    @Test
    void does_not_retry_while_the_circuit_is_open() {
        api.on("/x", status(503));
        var s = settings(api.url("/")).retry(retries(5));
        s.breaker = Optional.of(new Breaker(50, 2, Duration.ofMinutes(1)));
        try (var c = s.open()) {
            var e = failure(() -> c.send(HttpCall.get("x", "source")));

            assertThat(e.getMessage()).contains("circuit breaker open");
        }
        assertThat(api.requests("/x")).hasSize(2);
    }

    @Test
    void keeps_at_most_concurrency_calls_in_flight() throws Exception {
        var inFlight = new AtomicInteger();
        var most = new AtomicInteger();
        api.on("/x", (exchange, request) -> {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            long until = System.nanoTime() + ms(300).toNanos();
            while (inFlight.get() < 3 && System.nanoTime() < until) // hold the request until three overlap, as a busy server would
                LockSupport.parkNanos(ms(1).toNanos());
            LockSupport.parkNanos(ms(20).toNanos());
            inFlight.decrementAndGet();
            ok("{}").send(exchange, request);
        });
        var s = settings(api.url("/"));
        s.concurrency = 3;
        try (var c = s.open()) {
            assertThat(parallel(c, 15)).hasSize(15);

            assertThat(most.get()).isEqualTo(3);
            assertThat(c.stats().maxInFlight()).isEqualTo(3);
        }
    }

    @Test
    void spaces_calls_evenly_at_the_rate_limit() throws Exception {
        int rate = 50;
        var bucket = new TokenBucket(rate, rate / 10);
        api.on("/x", (exchange, request) -> (bucket.take() ? ok("{}") : status(429)).send(exchange, request));
        var s = settings(api.url("/")).retry(retries(1));
        s.rate = Optional.of(Rate.parse(rate + "/s"));
        try (var c = s.open()) {
            c.send(HttpCall.get("x", "source")); // connects first, so that connection setup does not skew the timings
            bucket.refill();
            var seenFrom = api.requests().size();

            parallel(c, rate);

            assertThat(c.stats().throttled()).isZero();
            var times = api.requests().subList(seenFrom, api.requests().size()).stream().mapToLong(TestApi.Request::nanos).sorted().toArray();
            for (int i = 0; i < times.length; i++) {
                int inOneSecond = 0;
                for (int j = i; j < times.length && times[j] - times[i] < 1_000_000_000L; j++)
                    inOneSecond++;
                assertThat(inOneSecond).as("calls in the second after call %d", i).isLessThanOrEqualTo(rate + rate / 10);
            }
            double observed = (times.length - 1) / (Duration.ofNanos(times[times.length - 1] - times[0]).toMillis() / 1000.0);
            assertThat(observed).isBetween(rate * 0.7, rate * 1.1);
        }
    }

    /** A server-side token bucket: {@code rate} per second, at most {@code burst} at once. */
    private static final class TokenBucket {
        private final double rate;
        private final double burst;
        private double tokens;
        private long last = System.nanoTime();

        TokenBucket(int rate, int burst) {
            this.rate = rate;
            this.burst = burst;
            this.tokens = burst;
        }

        synchronized boolean take() {
            long now = System.nanoTime();
            tokens = Math.min(burst, tokens + (now - last) / 1e9 * rate);
            last = now;
            if (tokens < 1)
                return false;
            tokens--;
            return true;
        }

        synchronized void refill() {
            tokens = burst;
            last = System.nanoTime();
        }
    }
}
