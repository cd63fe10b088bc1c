package dev.sluice.server.alert;

import static dev.sluice.server.alert.AlertFixtures.QUICK;
import static dev.sluice.server.alert.AlertFixtures.T0;
import static dev.sluice.server.alert.AlertFixtures.idle;
import static dev.sluice.server.alert.AlertFixtures.logLines;
import static dev.sluice.server.alert.AlertFixtures.settings;
import static dev.sluice.server.alert.AlertFixtures.windowFailed;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.sluice.testkit.TestClock;
import dev.sluice.server.alert.AlertFixtures.WebhookReceiver;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Alerts by e-mail to a real SMTP server in this JVM (GreenMail), without TLS, logging in. */
class AlertEmailTest {
    private static final String PASSWORD = "pw-Kq8v-never-shown";

    @RegisterExtension
    static final GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("alerts@example.com", "alerts@example.com", PASSWORD))
            .withPerMethodLifecycle(true);

    private final TestClock clock = new TestClock(T0);

    @Test
    void the_first_raise_is_an_email_to_every_recipient_with_everything_the_reader_needs() throws Exception {
        try (var alerter = Alerter.start(settings(email(PASSWORD, "none"), Map.of()), clock, QUICK)) {
            alerter.raise(windowFailed("orders", "E-1A2B3C", T0));
            idle(alerter);
        }

        MimeMessage[] mails = smtp.getReceivedMessages();
        assertThat(mails).hasSize(2); // one copy for each mailbox
        MimeMessage mail = mails[0];
        String incident = mail.getHeader("X-Sluice-Incident")[0];
        assertThat(incident).matches("INC-[A-Z2-7]{8}");
        assertThat(mail.getSubject()).isEqualTo("[CRITICAL] sluice: pipeline orders: window failed (" + incident + ")");
        assertThat(mail.getFrom()[0].toString()).isEqualTo("Sluice <alerts@example.com>");
        assertThat(Arrays.stream(mail.getRecipients(Message.RecipientType.TO)).map(Object::toString))
                .containsExactly("ops@example.com", "data@example.com");
        assertThat(mail.getSentDate().toInstant()).isEqualTo(T0);
        assertThat(mail.getHeader("Auto-Submitted")[0]).isEqualTo("auto-generated");
        assertThat(((String) mail.getContent()).replace("\r\n", "\n")).contains(
                "CRITICAL: pipeline orders: window failed (" + incident + ")\n\nGET /v1/orders returned 503 after 5 attempts\n",
                "Severity:      critical\n",
                "Pipeline:      orders\n",
                "Condition:     window failed (WINDOW_FAILED)\n",
                "Incident:      " + incident + ", opened 2026-05-01T10:00:00Z\n",
                "Error id:      E-1A2B3C\n",
                "When:          2026-05-01T10:00:00Z\n",
                "Occurrences:   1\n",
                "Details:\n  window: 2026-05-01T09:00Z/2026-05-01T10:00Z\n",
                "What to do next:\n  Look up error E-1A2B3C with `sluice status` on the pipeline's file or GET\n  /api/v1/errors/E-1A2B3C.",
                "Dashboard: https://sluice.example.com/\n",
                "Sent by sluice. While " + incident + " is open, repeats are sent at most once\nevery 1h (alerts.throttle)");
    }

    @Test
    void the_recovery_is_an_email_marked_resolved_with_the_same_incident_id_and_how_long_it_lasted() throws Exception {
        try (var alerter = Alerter.start(settings(email(PASSWORD, "none"), Map.of()), clock, QUICK)) {
            alerter.raise(windowFailed("orders", "E-1", T0));
            alerter.raise(windowFailed("orders", "E-2", T0.plusSeconds(600)));
            alerter.clear(Condition.WINDOW_FAILED, "orders", T0.plus(Duration.ofMinutes(75)));
            idle(alerter);
        }

        MimeMessage[] mails = mailsTo("ops@example.com");
        assertThat(mails).hasSize(2);
        String incident = mails[0].getHeader("X-Sluice-Incident")[0];
        assertThat(mails[1].getSubject()).isEqualTo("[RESOLVED] sluice: pipeline orders: window failed (" + incident + "), resolved after 1h15m");
        assertThat(((String) mails[1].getContent()).replace("\r\n", "\n")).contains(
                "Resolved:      2026-05-01T11:15:00Z\n", "Lasted:        1h15m\n", "Occurrences:   2 in all\n", "Last error id: E-2\n",
                "What to do next:\n  Nothing to do: a window of orders succeeded again.");
    }

    @Test
    void a_refused_password_is_reported_clearly_at_check_and_in_the_log_without_retrying() throws Exception {
        try (var logs = logLines(); var alerter = Alerter.start(settings(email("wrong-" + PASSWORD, "none"), Map.of()), clock, QUICK)) {
            assertThat(alerter.check()).singleElement().asString()
                    .startsWith("e-mail to ops@example.com, data@example.com via 127.0.0.1:" + smtp.getSmtp().getPort() + " (none): ")
                    .contains("the SMTP server 127.0.0.1:" + smtp.getSmtp().getPort() + " refused the login of alerts@example.com")
                    .endsWith("; check alerts.email.username and alerts.email.password");

            alerter.raise(windowFailed("orders", "E-1", T0));
            idle(alerter);

            assertThat(logs.lines("ERROR")).singleElement().asString()
                    .contains("alert not delivered: the SMTP server 127.0.0.1:" + smtp.getSmtp().getPort() + " refused the login")
                    .contains("attempt=\"1\"");
            assertThat(logs.lines("WARN")).isEmpty();
        }
        assertThat(smtp.getReceivedMessages()).isEmpty();
    }

    @Test
    void the_password_never_appears_in_a_message_a_log_line_a_problem_or_the_settings() throws Exception {
        String wrong = "wrong-" + PASSWORD;
        AlertSettings good = settings(email(PASSWORD, "none"), Map.of());
        AlertSettings bad = settings(email(wrong, "none"), Map.of());
        try (var logs = logLines()) {
            try (var alerter = Alerter.start(good, clock, QUICK)) {
                alerter.raise(windowFailed("orders", "E-1", T0));
                idle(alerter);
            }
            try (var alerter = Alerter.start(bad, clock, QUICK)) {
                alerter.raise(windowFailed("orders", "E-1", T0));
                idle(alerter);
                assertThat(String.join("\n", alerter.check())).doesNotContain(PASSWORD).contains("refused the login");
            }
            assertThat(String.join("\n", logs.lines())).contains("alert sent", "alert not delivered").doesNotContain(PASSWORD);
        }
        assertThat(good.toString() + bad).doesNotContain(PASSWORD);
        for (MimeMessage m : smtp.getReceivedMessages())
            assertThat(m.getSubject() + m.getContent()).doesNotContain(PASSWORD);
    }

    @Test
    void starttls_when_chosen_is_required_so_a_server_without_it_gets_nothing_in_clear_text() throws Exception {
        try (var logs = logLines(); var alerter = Alerter.start(settings(email(PASSWORD, "starttls"), Map.of()), clock, QUICK)) {
            alerter.raise(windowFailed("orders", "E-1", T0));
            idle(alerter);

            assertThat(logs.lines("ERROR")).singleElement().asString()
                    .contains("alert not delivered: the SMTP server 127.0.0.1:" + smtp.getSmtp().getPort() + " does not offer STARTTLS")
                    .contains("use security: ssl if it takes TLS from the start");
        }
        assertThat(smtp.getReceivedMessages()).isEmpty();
    }

    @Test
    void every_alert_goes_to_every_channel() throws Exception {
        try (var receiver = new WebhookReceiver()) {
            String yaml = email(PASSWORD, "none") + "  webhook:\n    url: " + receiver.url("t0ken") + "\n";
            try (var alerter = Alerter.start(settings(yaml, Map.of()), clock, QUICK)) {
                alerter.raise(windowFailed("orders", "E-1", T0));
                idle(alerter);
            }
            String incident = mailsTo("ops@example.com")[0].getHeader("X-Sluice-Incident")[0];
            assertThat(receiver.bodies()).singleElement().satisfies(b -> assertThat(b.get("incident_id").asString()).isEqualTo(incident));
        }
    }

    private static MimeMessage[] mailsTo(String address) {
        return smtp.findReceivedMessages(user -> user.getEmail().equals(address), m -> true).toArray(MimeMessage[]::new);
    }

    /** Settings for the test server: its port, logging in with {@code password}. */
    private static String email(String password, String security) {
        return """
                alerts:
                  dashboard_url: https://sluice.example.com/
                  email:
                    host: 127.0.0.1
                    port: %d
                    security: %s
                    username: alerts@example.com
                    password: "%s"
                    from: Sluice <alerts@example.com>
                    to: [ops@example.com, data@example.com]
                    timeout: 10s
                """.formatted(smtp.getSmtp().getPort(), security, password);
    }
}
