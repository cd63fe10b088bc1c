package dev.sluice.server.alert;

import static dev.sluice.server.alert.AlertFixtures.QUICK;
import static dev.sluice.server.alert.AlertFixtures.T0;
import static dev.sluice.server.alert.AlertFixtures.idle;
import static dev.sluice.server.alert.AlertFixtures.logLines;
import static dev.sluice.server.alert.AlertFixtures.settings;
import static dev.sluice.server.alert.AlertFixtures.windowFailed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.TestClock;
import dev.sluice.server.alert.AlertFixtures.WebhookReceiver;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Alerts as JSON posts to a webhook receiver on this machine, with secrets in the URL and a header. */
class AlertWebhookTest {
    private static final String URL_TOKEN = "XXtok3n-in-the-url";
    private static final String HEADER_TOKEN = "hdr-s3cret-value";
    private static final String YAML = """
            alerts:
              throttle: 30m
              webhook:
                url: ${env:ALERT_WEBHOOK_URL}
                headers: {Authorization: "Bearer ${env:HOOK_TOKEN}", X-Source: sluice}
                timeout: 5s
            """;

    private final TestClock clock = new TestClock(T0);
    private WebhookReceiver receiver;
    private Map<String, String> env;

    @BeforeEach
    void start() throws Exception {
        receiver = new WebhookReceiver();
        env = Map.of("ALERT_WEBHOOK_URL", receiver.url(URL_TOKEN), "HOOK_TOKEN", HEADER_TOKEN);
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    @Test
    void posts_json_to_the_url_with_the_configured_headers() throws Exception {
        sendOneAlert(env);

        assertThat(receiver.requests()).singleElement().satisfies(r -> {
            assertThat(r.path()).isEqualTo("/services/T000/B000/" + URL_TOKEN);
            assertThat(r.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
            assertThat(r.header("Authorization")).isEqualTo("Bearer " + HEADER_TOKEN);
            assertThat(r.header("X-Source")).isEqualTo("sluice");
            assertThat(r.json().get("text").asString()).startsWith("[CRITICAL] sluice: pipeline orders: window failed (INC-");
            assertThat(r.json().propertyNames()).containsExactly("text", "severity", "status", "kind", "pipeline", "condition", "incident_id",
                    "error_id", "summary", "next_steps", "occurrences", "total_occurrences", "at", "opened_at", "details");
        });
    }

    @Test
    void a_500_is_retried_and_then_given_up_with_a_log_line_that_shows_no_secret() throws Exception {
        receiver.answer(500);
        try (var logs = logLines()) {
            sendOneAlert(env);

            assertThat(receiver.requests()).hasSize(QUICK.attempts());
            assertThat(logs.lines("WARN")).hasSize(QUICK.attempts() - 1)
                    .allSatisfy(l -> assertThat(l).contains("alert delivery failed, retrying in "));
            assertThat(logs.lines("ERROR")).singleElement().asString()
                    .contains("alert not delivered after 3 attempts: the webhook at 127.0.0.1 answered 500: trouble with hook ***")
                    .contains("channel=\"webhook at 127.0.0.1\"");
            assertThat(String.join("\n", logs.lines())).doesNotContain(URL_TOKEN).doesNotContain(HEADER_TOKEN);
        }
    }

    @Test
    void a_failure_that_passes_is_retried_until_the_message_is_delivered() throws Exception {
        receiver.answerNext(503);
        try (var logs = logLines()) {
            sendOneAlert(env);

            assertThat(receiver.requests()).hasSize(2);
            assertThat(logs.lines("INFO")).filteredOn(l -> l.contains("alert sent")).singleElement().asString().contains("attempt=\"2\"");
            assertThat(logs.lines("ERROR")).isEmpty();
        }
    }

    @Test
    void an_unreachable_receiver_is_retried_and_given_up_without_an_exception_for_the_caller() throws Exception {
        String gone = receiver.url(URL_TOKEN);
        receiver.close();
        try (var logs = logLines()) {
            sendOneAlert(Map.of("ALERT_WEBHOOK_URL", gone, "HOOK_TOKEN", HEADER_TOKEN));

            assertThat(logs.lines("ERROR")).singleElement().asString()
                    .contains("alert not delivered after 3 attempts: cannot reach the webhook at 127.0.0.1").doesNotContain(URL_TOKEN);
        }
    }

    @Test
    void close_delivers_what_is_pending() {
        var alerter = Alerter.start(settings(YAML, env), clock, QUICK);
        alerter.raise(windowFailed("orders", "E-1", T0));
        alerter.clear(Condition.WINDOW_FAILED, "orders", T0.plusSeconds(60));

        alerter.close();

        assertThat(receiver.bodies()).extracting(b -> b.get("status").asString()).containsExactly("firing", "resolved");
    }

    @Test
    void close_gives_up_after_its_timeout_and_logs_what_was_not_sent() {
        receiver.hold();
        try (var logs = logLines()) {
            var alerter = Alerter.start(settings(YAML, env), clock, QUICK);
            alerter.raise(windowFailed("orders", "E-1", T0));
            alerter.raise(windowFailed("customers", "E-2", T0));

            alerter.close(java.time.Duration.ofMillis(100));

            alerter.raise(windowFailed("invoices", "E-3", T0));

            List<String> errors = logs.lines("ERROR");
            assertThat(errors).hasSize(3); // the message in flight, the one queued behind it, the one raised after close
            assertThat(errors).filteredOn(l -> l.contains("pipeline=\"orders\"")).singleElement().asString().contains("alert not delivered: ");
            assertThat(errors).anySatisfy(l -> assertThat(l).contains("alerts not sent: the service stopped before they were delivered")
                    .contains("dropped=\"1\""));
            assertThat(errors.getLast()).contains("alert not sent: the alerter is closed");
        }
    }

    @Test
    void the_settings_show_no_secret() {
        AlertSettings s = settings(YAML, env);

        assertThat(s.toString()).doesNotContain(URL_TOKEN).doesNotContain(HEADER_TOKEN).contains("Authorization=***");
    }

    /** Raises one failed window with the settings above and {@code env}, and waits until its delivery ended. */
    private void sendOneAlert(Map<String, String> env) throws InterruptedException {
        try (var alerter = Alerter.start(settings(YAML, env), clock, QUICK)) {
            alerter.raise(windowFailed("orders", "E-1", T0));
            idle(alerter);
        }
    }
}
