package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.core.Secret;
import dev.sluice.server.alert.AlertFixtures.WebhookReceiver;
import dev.sluice.server.alert.AlertSettings;
import dev.sluice.server.alert.Alerter;
import dev.sluice.testkit.TestClock;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** What the service reports to the alerting: failed windows and their recovery, and lag past a pipeline's thresholds. */
class ServiceAlertsTest {
    private static final Instant T0 = Instant.parse("2025-01-01T03:00:00Z");
    private static final String FAILING = """
            name: orders
            state: sqlite:state.db
            windows: {cursor: time, start: 2025-01-01T00:00:00Z, size: 1h}
            source: {type: generate, every: 30m}
            steps:
              - {type: validate, on_invalid: fail, schema: {type: object, required: [%s]}}
            sink: {type: jsonl, path: out}
            alerts: {lag: {warning: 6h, critical: 1d}}
            """;

    @TempDir
    Path dir;
    final TestClock clock = new TestClock(T0);
    WebhookReceiver receiver;
    Alerter alerter;
    Served served;

    @BeforeEach
    void start() throws Exception {
        receiver = new WebhookReceiver();
        var webhook = new AlertSettings.Webhook(new Secret(receiver.url("hook-token")), Map.of(), Duration.ofSeconds(5));
        alerter = Alerter.start(new AlertSettings(Duration.ofHours(1), Optional.of(URI.create("http://127.0.0.1:8080/")), Optional.empty(),
                Optional.of(webhook)), clock);
    }

    @AfterEach
    void stop() {
        if (served != null)
            served.close();
        receiver.close();
    }

    private void runNow() {
        served.service.runNow("orders", "test");
        await().atMost(Duration.ofSeconds(30)).until(served.service::idle);
    }

    private List<JsonNode> delivered(int n) throws InterruptedException {
        assertThat(alerter.awaitIdle(Duration.ofSeconds(30))).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.bodies().size() >= n);
        return receiver.bodies();
    }

    @Test
    void a_failed_window_raises_a_critical_alert_with_its_error_id() throws Exception {
        Served.write(dir, "orders.yaml", FAILING.formatted("order_id"));
        served = Served.manual(dir, "127.0.0.1", clock, alerter);
        runNow();
        JsonNode alert = delivered(1).get(0);
        assertThat(alert.get("severity").asString()).isEqualTo("critical");
        assertThat(alert.get("condition").asString()).isEqualTo("window_failed");
        assertThat(alert.get("pipeline").asString()).isEqualTo("orders");
        String errorId = alert.get("error_id").asString();
        assertThat(Served.json(served.get("/api/v1/errors/" + errorId, null)).get("pipeline").asString()).isEqualTo("orders");
    }

    @Test
    void a_window_that_succeeds_after_a_failure_sends_the_recovery_notice_of_the_same_incident() throws Exception {
        Served.write(dir, "orders.yaml", FAILING.formatted("order_id"));
        served = Served.manual(dir, "127.0.0.1", clock, alerter);
        runNow();
        String incident = delivered(1).get(0).get("incident_id").asString();
        Served.write(dir, "orders.yaml", FAILING.formatted("ts"));
        served.service.reload();
        runNow();
        JsonNode recovery = delivered(2).get(1);
        assertThat(recovery.get("status").asString()).isEqualTo("resolved");
        assertThat(recovery.get("incident_id").asString()).isEqualTo(incident);
    }

    @Test
    void a_circuit_breaker_that_opens_raises_an_alert_naming_the_connection() throws Exception {
        try (var api = dev.sluice.testkit.demo.DemoApi.start(dev.sluice.testkit.demo.DemoApiOptions.defaults().withPort(0))) {
            api.faults().add(dev.sluice.testkit.demo.Fault.parse("503x100@/page/records"));
            Served.write(dir, "orders.yaml", """
                    name: orders
                    state: sqlite:state.db
                    windows: {cursor: time, start: 2025-01-01T00:00:00Z, end: 2025-01-01T01:00:00Z, size: 1h}
                    connections:
                      demo:
                        base_url: "%s"
                        retry: {max_attempts: 3, initial_backoff: 10ms, max_backoff: 20ms}
                        circuit_breaker: {failure_rate: 50, minimum_calls: 2, open_for: 1m}
                    source:
                      type: http
                      connection: demo
                      request: {path: /page/records}
                      records: $.data[*]
                    sink: {type: jsonl, path: out}
                    """.formatted(api.baseUri()));
            served = Served.manual(dir, "127.0.0.1", clock, alerter);
            runNow();
            served.service.tick(clock.instant());
            assertThat(delivered(2)).anySatisfy(alert -> {
                assertThat(alert.get("condition").asString()).isEqualTo("circuit_open");
                assertThat(alert.at("/details/connection").asString()).isEqualTo("demo");
            });
        }
    }

    @Test
    void a_lag_past_the_warning_threshold_raises_a_warning_and_past_the_critical_one_escalates() throws Exception {
        Served.write(dir, "orders.yaml", FAILING.formatted("ts"));
        served = Served.manual(dir, "127.0.0.1", clock, alerter);
        runNow(); // the watermark is now 03:00
        clock.set(T0.plus(Duration.ofHours(7)));
        served.service.tick(clock.instant());
        assertThat(delivered(1).get(0).get("severity").asString()).isEqualTo("warning");
        clock.set(T0.plus(Duration.ofHours(25)));
        served.service.tick(clock.instant());
        JsonNode escalated = delivered(2).get(1);
        assertThat(escalated.get("severity").asString()).isEqualTo("critical");
        assertThat(escalated.get("condition").asString()).isEqualTo("lag");
    }

    @Test
    void a_lag_that_falls_back_under_its_threshold_sends_the_recovery_notice() throws Exception {
        Served.write(dir, "orders.yaml", FAILING.formatted("ts"));
        served = Served.manual(dir, "127.0.0.1", clock, alerter);
        runNow();
        clock.set(T0.plus(Duration.ofHours(7)));
        served.service.tick(clock.instant());
        delivered(1);
        runNow(); // catches up to 10:00
        served.service.tick(clock.instant());
        assertThat(delivered(2).get(1).get("status").asString()).isEqualTo("resolved");
    }

    private static final String KEYED = """
            name: orders
            state: sqlite:state.db
            windows: {cursor: id, start: 1, end: 9, size: 4}
            connections:
              mc:
                base_url: "%s"
                retry: {max_attempts: 2, initial_backoff: 10ms, max_backoff: 20ms}
                circuit_breaker: off
            source: {type: ids}
            steps:
              - name: structures
                type: http
                connection: mc
                key: "{{ record.id }}"
                request: {path: "/production-records/{{ record.id }}/structures"}
                records: $.data[*]
                merge: array
                on_failure: record_key
            sink: {type: jsonl, path: out}
            """;

    @Test
    void records_left_out_because_a_request_failed_after_its_retries_raise_a_critical_alert_with_a_failed_key() throws Exception {
        try (var api = dev.sluice.testkit.demo.DemoApi.start(dev.sluice.testkit.demo.DemoApiOptions.masterControl().withPort(0))) {
            api.faults().add(dev.sluice.testkit.demo.Fault.parse("503,always@/production-records/3/"));
            Served.write(dir, "orders.yaml", KEYED.formatted(api.baseUri()));
            served = Served.manual(dir, "127.0.0.1", clock, alerter);
            runNow();
            JsonNode alert = delivered(1).get(0);
            assertThat(alert.get("condition").asString()).isEqualTo("requests_failed");
            assertThat(alert.get("severity").asString()).isEqualTo("critical");
            assertThat(alert.at("/details/keys").asString()).isEqualTo("3");
            assertThat(alert.get("summary").asString()).contains("1 record of window [1, 5)", "503");
            JsonNode error = Served.json(served.get("/api/v1/errors/" + alert.get("error_id").asString(), null));
            assertThat(error.at("/context/key").asString()).isEqualTo("3");
        }
    }

    @Test
    void a_run_without_failed_requests_after_failed_ones_sends_the_recovery_notice() throws Exception {
        try (var api = dev.sluice.testkit.demo.DemoApi.start(dev.sluice.testkit.demo.DemoApiOptions.masterControl().withPort(0))) {
            api.faults().add(dev.sluice.testkit.demo.Fault.parse("503,always@/production-records/3/"));
            Served.write(dir, "orders.yaml", KEYED.formatted(api.baseUri()));
            served = Served.manual(dir, "127.0.0.1", clock, alerter);
            runNow();
            String incident = delivered(1).get(0).get("incident_id").asString();
            api.faults().clear();
            served.service.replay("orders", true);
            await().atMost(Duration.ofSeconds(30)).until(served.service::idle);
            JsonNode recovery = delivered(2).get(1);
            assertThat(recovery.get("status").asString()).isEqualTo("resolved");
            assertThat(recovery.get("incident_id").asString()).isEqualTo(incident);
        }
    }

    @Test
    void keys_that_every_request_answered_empty_for_raise_no_alert() throws Exception {
        try (var api = dev.sluice.testkit.demo.DemoApi.start(dev.sluice.testkit.demo.DemoApiOptions.masterControl().withPort(0))) {
            Served.write(dir, "orders.yaml", KEYED.formatted(api.baseUri()).replace("{path: \"/production-records/{{ record.id }}/structures\"}",
                    "{path: /batch-records/production-records-list, query: {lotNumber: \"none-{{ record.id }}\"}}"));
            served = Served.manual(dir, "127.0.0.1", clock, alerter);
            runNow();
            assertThat(alerter.awaitIdle(Duration.ofSeconds(30))).isTrue();
            assertThat(Served.json(served.get("/api/v1/pipelines/orders", null)).at("/keys/failed").asLong()).isEqualTo(8);
            assertThat(receiver.bodies()).isEmpty();
        }
    }
}
