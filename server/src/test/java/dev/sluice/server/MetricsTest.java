package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.server.alert.AlertSettings;
import dev.sluice.server.alert.Alerter;
import dev.sluice.testkit.demo.DemoApi;
import dev.sluice.testkit.demo.DemoApiOptions;
import dev.sluice.testkit.demo.Fault;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Prometheus metrics of HTTP calls, retries and circuit state, from a pipeline reading the demo API. */
class MetricsTest {
    @TempDir
    Path dir;
    DemoApi api;
    Served served;

    @BeforeEach
    void start() throws Exception {
        api = DemoApi.start(DemoApiOptions.defaults().withPort(0));
    }

    @AfterEach
    void stop() {
        if (served != null)
            served.close();
        api.close();
    }

    private String metricsAfterOneRun(String circuit) {
        Served.write(dir, "api.yaml", """
                name: api
                state: sqlite:state.db
                windows: {cursor: time, start: 2025-01-01T00:00:00Z, end: 2025-01-01T02:00:00Z, size: 1h}
                connections:
                  demo:
                    base_url: "%s"
                    retry: {max_attempts: 3, initial_backoff: 10ms, max_backoff: 20ms}
                    %s
                source:
                  type: http
                  connection: demo
                  request: {path: /page/records, query: {since: "{{ window.start }}", until: "{{ window.end }}"}}
                  records: $.data[*]
                  pagination: {type: page_number, size: 100, total: $.total, stop: [total]}
                sink: {type: jsonl, path: out}
                """.formatted(api.baseUri(), circuit));
        served = Served.manual(dir, "127.0.0.1", Clock.systemUTC(), Alerter.start(AlertSettings.none(), Clock.systemUTC()));
        served.service.runNow("api", "test");
        await().atMost(Duration.ofSeconds(30)).until(served.service::idle);
        return served.get("/metrics", null).body();
    }

    @Test
    void http_responses_are_counted_by_connection_and_status_and_retries_are_counted() {
        api.faults().add(Fault.parse("503x2@/page/records"));
        String m = metricsAfterOneRun("");
        assertThat(m).contains("sluice_http_responses_total{connection=\"demo\",pipeline=\"api\",status=\"503\"} 2.0")
                .contains("sluice_http_responses_total{connection=\"demo\",pipeline=\"api\",status=\"200\"} 2.0")
                .contains("sluice_http_retries_total{connection=\"demo\",pipeline=\"api\"} 2.0")
                .contains("sluice_http_calls_total{connection=\"demo\",pipeline=\"api\"} 2.0");
    }

    @Test
    void the_circuit_breaker_state_is_a_gauge_per_state() {
        api.faults().add(Fault.parse("503x100@/page/records"));
        String m = metricsAfterOneRun("circuit_breaker: {failure_rate: 50, minimum_calls: 2, open_for: 1m}");
        assertThat(m).contains("sluice_circuit_state{connection=\"demo\",pipeline=\"api\",state=\"open\"} 1.0")
                .contains("sluice_circuit_state{connection=\"demo\",pipeline=\"api\",state=\"closed\"} 0.0");
    }

    @Test
    void the_lag_and_the_window_counts_of_each_pipeline_are_exported() {
        String m = metricsAfterOneRun("");
        assertThat(m).contains("sluice_windows_total{outcome=\"succeeded\",pipeline=\"api\"} 2.0")
                .containsPattern("sluice_watermark_lag_seconds\\{pipeline=\"api\"} \\d")
                .contains("sluice_run_in_progress{pipeline=\"api\"} 0.0")
                .contains("sluice_pipeline_enabled{pipeline=\"api\"} 1.0")
                .contains("jvm_memory_used_bytes");
    }
}
