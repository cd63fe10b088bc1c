package dev.sluice.server.alert;

import static dev.sluice.server.alert.AlertFixtures.QUICK;
import static dev.sluice.server.alert.AlertFixtures.T0;
import static dev.sluice.server.alert.AlertFixtures.idle;
import static dev.sluice.server.alert.AlertFixtures.windowFailed;
import static java.time.Duration.ZERO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.sluice.core.Secret;
import dev.sluice.testkit.TestClock;
import dev.sluice.server.alert.AlertFixtures.WebhookReceiver;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Which raises and clears become messages: one incident per pipeline and condition, throttled repeats, escalations, recoveries. */
class AlertIncidentsTest {
    private final TestClock clock = new TestClock(T0);
    private WebhookReceiver receiver;
    private Alerter alerter;

    @BeforeEach
    void start() throws Exception {
        receiver = new WebhookReceiver();
        var webhook = new AlertSettings.Webhook(new Secret(receiver.url("hook-token")), Map.of(), Duration.ofSeconds(10));
        var settings = new AlertSettings(Duration.ofHours(1), Optional.of(URI.create("https://sluice.example.com/")), Optional.empty(),
                Optional.of(webhook));
        alerter = Alerter.start(settings, clock, QUICK);
    }

    @AfterEach
    void stop() {
        alerter.close();
        receiver.close();
    }

    @Test
    void the_first_raise_is_sent_at_once_with_everything_the_reader_needs() throws Exception {
        alerter.raise(windowFailed("orders", "E-1A2B3C", T0));
        idle(alerter);

        JsonNode m = receiver.bodies().getFirst();
        assertThat(m.get("severity").asString()).isEqualTo("critical");
        assertThat(m.get("status").asString()).isEqualTo("firing");
        assertThat(m.get("pipeline").asString()).isEqualTo("orders");
        assertThat(m.get("condition").asString()).isEqualTo("window_failed");
        assertThat(m.get("incident_id").asString()).matches("INC-[A-Z2-7]{8}");
        assertThat(m.get("error_id").asString()).isEqualTo("E-1A2B3C");
        assertThat(m.get("at").asString()).isEqualTo("2026-05-01T10:00:00Z");
        assertThat(m.get("summary").asString()).isEqualTo("GET /v1/orders returned 503 after 5 attempts");
        assertThat(m.get("details").get("window").asString()).isEqualTo("2026-05-01T09:00Z/2026-05-01T10:00Z");
        assertThat(m.get("next_steps").asString()).contains("GET /api/v1/errors/E-1A2B3C").contains("`sluice status`")
                .contains("retried on the next run").contains("run the pipeline from the dashboard");
        assertThat(m.get("occurrences").asLong()).isEqualTo(1);
        assertThat(m.get("dashboard_url").asString()).isEqualTo("https://sluice.example.com/");
        assertThat(m.get("text").asString()).startsWith("[CRITICAL] sluice: pipeline orders: window failed (" + m.get("incident_id").asString() + ")")
                .contains("Error id: E-1A2B3C").contains("Next: Look up error E-1A2B3C");
    }

    @Test
    void repeats_within_the_throttle_period_send_nothing() throws Exception {
        failuresAfter(ZERO, minutes(30), minutes(29));

        assertThat(receiver.requests()).hasSize(1);
        assertThat(alerter.openIncidents()).singleElement().satisfies(i -> {
            assertThat(i.occurrences()).isEqualTo(3);
            assertThat(i.lastErrorId()).contains("E-3");
        });
    }

    @Test
    void a_repeat_after_the_throttle_period_sends_a_reminder_with_the_occurrences_since_the_last_message() throws Exception {
        failuresAfter(ZERO, minutes(20), ZERO, minutes(40));

        List<JsonNode> sent = receiver.bodies();
        assertThat(sent).hasSize(2);
        JsonNode reminder = sent.get(1);
        assertThat(reminder.get("kind").asString()).isEqualTo("reminder");
        assertThat(reminder.get("incident_id").asString()).isEqualTo(sent.get(0).get("incident_id").asString());
        assertThat(reminder.get("occurrences").asLong()).isEqualTo(3);
        assertThat(reminder.get("total_occurrences").asLong()).isEqualTo(4);
        assertThat(reminder.get("error_id").asString()).isEqualTo("E-4");
        assertThat(reminder.get("text").asString()).contains("window failed, 3 more times")
                .contains("3 since the last message at 2026-05-01T10:00:00Z (4 in all)");
    }

    @Test
    void after_a_reminder_the_next_one_waits_for_another_throttle_period() throws Exception {
        failuresAfter(ZERO, minutes(60), minutes(59));

        assertThat(receiver.requests()).hasSize(2);
    }

    @Test
    void an_escalation_from_warning_to_critical_is_sent_at_once() throws Exception {
        alerter.raise(lag(Severity.WARNING));
        clock.advance(minutes(5));
        alerter.raise(lag(Severity.CRITICAL));
        clock.advance(minutes(5));
        alerter.raise(lag(Severity.WARNING));
        alerter.raise(lag(Severity.CRITICAL));
        idle(alerter);

        List<JsonNode> sent = receiver.bodies();
        assertThat(sent).extracting(m -> m.get("severity").asString()).containsExactly("warning", "critical");
        assertThat(sent.get(1).get("kind").asString()).isEqualTo("escalated");
        assertThat(sent.get(1).get("incident_id").asString()).isEqualTo(sent.get(0).get("incident_id").asString());
        assertThat(sent.get(1).get("text").asString()).startsWith("[CRITICAL] sluice: pipeline orders: lag over threshold, now critical");
    }

    @Test
    void clear_sends_a_recovery_with_the_same_incident_id_how_long_it_lasted_and_how_many_occurrences() throws Exception {
        failuresAfter(ZERO, minutes(10));
        clock.advance(minutes(32));
        alerter.clear(Condition.WINDOW_FAILED, "orders", clock.instant());
        idle(alerter);

        List<JsonNode> sent = receiver.bodies();
        assertThat(sent).hasSize(2);
        JsonNode recovery = sent.get(1);
        assertThat(recovery.get("status").asString()).isEqualTo("resolved");
        assertThat(recovery.get("incident_id").asString()).isEqualTo(sent.get(0).get("incident_id").asString());
        assertThat(recovery.get("duration").asString()).isEqualTo("PT42M");
        assertThat(recovery.get("occurrences").asLong()).isEqualTo(2);
        assertThat(recovery.get("error_id").asString()).isEqualTo("E-2");
        assertThat(recovery.get("text").asString()).startsWith("[RESOLVED] sluice: pipeline orders: window failed ("
                + recovery.get("incident_id").asString() + "), resolved after 42m");
        assertThat(recovery.get("next_steps").asString()).startsWith("Nothing to do");
        assertThat(alerter.openIncidents()).isEmpty();
    }

    @Test
    void clear_without_an_open_incident_sends_nothing() throws Exception {
        alerter.clear(Condition.WINDOW_FAILED, "orders", T0);
        alerter.raise(windowFailed("orders", "E-1", T0));
        alerter.clear(Condition.CIRCUIT_OPEN, "orders", T0);
        alerter.clear(Condition.WINDOW_FAILED, "customers", T0);
        idle(alerter);

        assertThat(receiver.bodies()).extracting(m -> m.get("status").asString()).containsExactly("firing");
    }

    @Test
    void a_raise_after_the_recovery_opens_a_new_incident_with_a_new_id() throws Exception {
        alerter.raise(windowFailed("orders", "E-1", T0));
        alerter.clear(Condition.WINDOW_FAILED, "orders", T0.plusSeconds(60));
        alerter.raise(windowFailed("orders", "E-2", T0.plusSeconds(120)));
        idle(alerter);

        List<JsonNode> sent = receiver.bodies();
        assertThat(sent).extracting(m -> m.get("status").asString()).containsExactly("firing", "resolved", "firing");
        assertThat(sent.get(2).get("incident_id").asString()).isNotEqualTo(sent.get(0).get("incident_id").asString());
        assertThat(sent.get(2).get("occurrences").asLong()).isEqualTo(1);
    }

    @Test
    void each_pipeline_and_condition_is_an_incident_of_its_own() throws Exception {
        alerter.raise(windowFailed("orders", "E-1", T0));
        alerter.raise(windowFailed("customers", "E-2", T0));
        alerter.raise(new AlertEvent(Condition.CIRCUIT_OPEN, "orders", Severity.CRITICAL, Optional.empty(), "circuit of connection api opened",
                Map.of("connection", "api"), T0));
        idle(alerter);

        assertThat(receiver.bodies()).extracting(m -> m.get("incident_id").asString()).doesNotHaveDuplicates().hasSize(3);
        assertThat(alerter.openIncidents()).extracting(Incident::pipeline, Incident::condition).containsExactlyInAnyOrder(
                tuple("orders", Condition.WINDOW_FAILED), tuple("customers", Condition.WINDOW_FAILED),
                tuple("orders", Condition.CIRCUIT_OPEN));
    }

    @Test
    void each_condition_says_what_to_do_next() throws Exception {
        alerter.raise(new AlertEvent(Condition.CIRCUIT_OPEN, "orders", Severity.CRITICAL, Optional.empty(), "circuit of connection api opened",
                Map.of(), T0));
        alerter.raise(lag(Severity.WARNING));
        idle(alerter);

        assertThat(receiver.bodies()).extracting(m -> m.get("next_steps").asString()).containsExactly(
                "The endpoint refuses or fails most calls, so orders has paused calling it. Check the API's status (its status page or its "
                        + "owners). Calls resume by themselves after the breaker's wait (circuit_breaker.open_for of the connection), and the next runs catch up.",
                "orders is behind: its watermark is further from now than the threshold. Check its recent runs (`sluice history` on its file, "
                        + "or the dashboard) for failed or slow windows, and whether it is enabled; a window that keeps failing holds the watermark back.");
    }

    @Test
    void raise_returns_while_the_receiver_has_not_answered_yet() throws Exception {
        receiver.hold();

        alerter.raise(windowFailed("orders", "E-1", T0));
        alerter.clear(Condition.WINDOW_FAILED, "orders", T0.plusSeconds(1));

        assertThat(alerter.awaitIdle(Duration.ofMillis(50))).isFalse();
        receiver.open();
        idle(alerter);
        assertThat(receiver.bodies()).extracting(m -> m.get("status").asString()).containsExactly("firing", "resolved");
    }

    /** Raises a failed window of pipeline orders after each wait, with error ids E-1, E-2, ..., then waits for the deliveries. */
    private void failuresAfter(Duration... waits) throws InterruptedException {
        for (int i = 0; i < waits.length; i++) {
            clock.advance(waits[i]);
            alerter.raise(windowFailed("orders", "E-" + (i + 1), clock.instant()));
        }
        idle(alerter);
    }

    private static Duration minutes(long n) {
        return Duration.ofMinutes(n);
    }

    private AlertEvent lag(Severity severity) {
        return new AlertEvent(Condition.LAG, "orders", severity, Optional.empty(), "watermark is 3h behind now",
                Map.of("lag", "3h", "threshold", severity == Severity.WARNING ? "2h" : "3h"), clock.instant());
    }
}
