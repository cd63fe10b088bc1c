package dev.sluice.server.alert;

import static dev.sluice.server.alert.AlertFixtures.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.Secret;
import dev.sluice.core.SluiceException;
import dev.sluice.server.alert.AlertSettings.Security;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.AbstractStringAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The alerts: section of the service's settings: typed at load, every problem with its line and column. */
class AlertSettingsTest {
    private static final Map<String, String> ENV = Map.of("SMTP_PASSWORD", "smtp-pw-9f2", "ALERT_WEBHOOK_URL",
            "https://hooks.example.com/services/T000/B000/XXXX", "HOOK_TOKEN", "tok-77a");

    @TempDir
    Path dir;

    @Test
    void binds_the_documented_example() {
        AlertSettings s = settings("""
                alerts:
                  throttle: 1h
                  dashboard_url: https://sluice.example.com/
                  email:
                    host: smtp.example.com
                    port: 587
                    security: starttls
                    username: alerts@example.com
                    password: ${env:SMTP_PASSWORD}
                    from: alerts@example.com
                    to: [ops@example.com, data@example.com]
                  webhook:
                    url: ${env:ALERT_WEBHOOK_URL}
                    headers: {Authorization: "Bearer ${env:HOOK_TOKEN}"}
                    timeout: 10s
                """, ENV);

        assertThat(s.throttle()).isEqualTo(Duration.ofHours(1));
        assertThat(s.dashboardUrl()).contains(URI.create("https://sluice.example.com/"));
        assertThat(s.email()).hasValue(new AlertSettings.Email("smtp.example.com", 587, Security.STARTTLS, Optional.of("alerts@example.com"),
                Optional.of(new Secret("smtp-pw-9f2")), "alerts@example.com", List.of("ops@example.com", "data@example.com"), Optional.empty(),
                AlertSettings.Email.DEFAULT_TIMEOUT));
        assertThat(s.webhook()).hasValue(new AlertSettings.Webhook(new Secret("https://hooks.example.com/services/T000/B000/XXXX"),
                Map.of("Authorization", new Secret("Bearer tok-77a")), Duration.ofSeconds(10)));
    }

    @Test
    void starttls_on_port_587_is_the_default_and_port_465_means_implicit_tls() {
        assertThat(email("")).extracting(AlertSettings.Email::security, AlertSettings.Email::port).containsExactly(Security.STARTTLS, 587);
        assertThat(email("    port: 465\n")).extracting(AlertSettings.Email::security, AlertSettings.Email::port).containsExactly(Security.SSL, 465);
        assertThat(email("    security: ssl\n")).extracting(AlertSettings.Email::port).isEqualTo(465);
        assertThat(email("    security: none\n")).extracting(AlertSettings.Email::port).isEqualTo(25);
    }

    @Test
    void ssl_on_port_587_is_allowed_as_written() {
        assertThat(email("    security: ssl\n    port: 587\n")).extracting(AlertSettings.Email::security, AlertSettings.Email::port)
                .containsExactly(Security.SSL, 587);
    }

    @Test
    void an_unknown_security_value_is_reported_with_its_line_and_the_valid_ones() {
        assertProblem(emailYaml("    security: tls\n"))
                .contains("sluice-serve.yaml line 6:15: alerts.email.security: 'tls' is not valid; use one of: starttls, ssl, none");
    }

    @Test
    void missing_recipients_are_reported_with_the_line_of_email() {
        assertProblem("""
                alerts:
                  email:
                    host: smtp.example.com
                    from: alerts@example.com
                """).contains("line 3:5: alerts.email: missing required key 'to': who gets the alerts, e.g. to: [ops@example.com, data@example.com]");
    }

    @Test
    void a_recipient_that_is_not_an_address_is_reported() {
        assertProblem(emailYaml("").replace("to: [ops@example.com]", "to: [ops@example.com, ops]"))
                .contains("line 5:9: alerts.email.to: 'ops' is not an e-mail address; write it like ops@example.com");
    }

    @Test
    void a_bad_webhook_url_is_reported_without_showing_it() {
        assertProblem("""
                alerts:
                  webhook:
                    url: ${env:ALERT_WEBHOOK_URL}
                """, Map.of("ALERT_WEBHOOK_URL", "hooks.example.com/services/T000/B000/SECRETPART"))
                .contains("line 3:10: alerts.webhook.url: is not an http or https URL (the value is not shown: a webhook URL often holds a token)")
                .doesNotContain("SECRETPART");
    }

    @Test
    void a_host_with_a_scheme_or_port_is_reported() {
        assertProblem(emailYaml("").replace("host: smtp.example.com", "host: smtp.example.com:587"))
                .contains("line 3:11: alerts.email.host: 'smtp.example.com:587' is not a host name; write the name alone");
    }

    @Test
    void a_username_without_a_password_is_reported() {
        assertProblem(emailYaml("    username: alerts@example.com\n"))
                .contains("alerts.email.username: a username needs a password, e.g. password: ${env:SMTP_PASSWORD}");
    }

    @Test
    void trusted_certificates_that_hold_no_certificate_are_reported() throws Exception {
        Path pem = Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");

        assertProblem(emailYaml("    trusted_certificates: " + pem + "\n"))
                .contains("line 6:27: alerts.email.trusted_certificates: " + pem + " is not usable: ");
    }

    @Test
    void missing_trusted_certificates_are_reported() {
        Path pem = dir.resolve("missing.pem");

        assertProblem(emailYaml("    trusted_certificates: " + pem + "\n"))
                .contains("alerts.email.trusted_certificates: " + pem + " does not exist");
    }

    @Test
    void unknown_keys_are_refused_with_the_valid_ones() {
        assertProblem(emailYaml("    pasword: x\n"))
                .contains("line 6:5: alerts.email.pasword: unknown key (did you mean 'password'?)");
    }

    @Test
    void alerts_without_a_channel_are_reported() {
        assertProblem("alerts:\n  throttle: 1h\n").contains("line 2:3: alerts: no channel to send alerts to; add email:, webhook: or both");
    }

    @Test
    void a_zero_throttle_is_reported() {
        assertProblem(emailYaml("").replace("alerts:\n", "alerts:\n  throttle: 0s\n"))
                .contains("line 2:13: alerts.throttle: must be more than 0, e.g. throttle: 1h");
    }

    @Test
    void every_problem_is_reported_at_once() {
        assertProblem("""
                alerts:
                  email:
                    host: smtp.example.com
                    security: tls
                    from: nobody
                  webhook:
                    url: ftp://files.example.com/
                    headers: {Host: x}
                """).startsWith("5 problems in sluice-serve.yaml");
    }

    @Test
    void the_password_is_not_in_the_settings_text() {
        AlertSettings s = settings(emailYaml("    username: alerts@example.com\n    password: ${env:SMTP_PASSWORD}\n"), ENV);

        assertThat(s.toString()).doesNotContain("smtp-pw-9f2").contains("password=Optional[***]");
    }

    private static String emailYaml(String extra) {
        return """
                alerts:
                  email:
                    host: smtp.example.com
                    from: alerts@example.com
                    to: [ops@example.com]
                """ + extra;
    }

    private static AlertSettings.Email email(String extra) {
        return settings(emailYaml(extra), ENV).email().orElseThrow();
    }

    private static AbstractStringAssert<?> assertProblem(String yaml) {
        return assertProblem(yaml, ENV);
    }

    private static AbstractStringAssert<?> assertProblem(String yaml, Map<String, String> env) {
        var thrown = assertThatThrownBy(() -> settings(yaml, env)).isInstanceOf(SluiceException.class).actual();
        assertThat(((SluiceException) thrown).code()).isEqualTo(ErrorCode.CONFIG_INVALID);
        return assertThat(thrown.getMessage());
    }
}
