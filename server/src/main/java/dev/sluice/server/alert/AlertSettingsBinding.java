package dev.sluice.server.alert;

import dev.sluice.connectors.http.TrustedCertificates;
import dev.sluice.core.Secret;
import dev.sluice.core.config.ConfigObject;
import dev.sluice.server.alert.AlertSettings.Email;
import dev.sluice.server.alert.AlertSettings.Security;
import dev.sluice.server.alert.AlertSettings.Webhook;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code alerts:}. Every bad value is reported with what would be valid and replaced by a
 * placeholder, so that binding goes on and the loader reports all problems of the file at once.
 */
final class AlertSettingsBinding {
    private static final String PLACEHOLDER_HOST = "smtp.invalid";
    private static final String PLACEHOLDER_ADDRESS = "alerts@example.invalid";
    private static final Secret PLACEHOLDER_URL = new Secret("https://webhook.invalid/");
    // a host name or an IP address, without scheme, path or port
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*\\.?|[0-9A-Fa-f]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    // the JDK's HTTP client sets these itself and refuses them from callers
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private AlertSettingsBinding() {
    }

    static AlertSettings bind(ConfigObject a) {
        Duration throttle = positive(a, "throttle", AlertSettings.DEFAULT_THROTTLE, "1h");
        Optional<URI> dashboard = a.string("dashboard_url").flatMap(v -> dashboardUrl(a, v));
        if (!a.has("email") && !a.has("webhook"))
            a.problem("no channel to send alerts to; add email:, webhook: or both, e.g. webhook: {url: ${env:ALERT_WEBHOOK_URL}}");
        Optional<Email> email = a.object("email").map(AlertSettingsBinding::email);
        Optional<Webhook> webhook = a.object("webhook").map(AlertSettingsBinding::webhook);
        a.finish();
        return new AlertSettings(throttle, dashboard, email, webhook);
    }

    private static Optional<URI> dashboardUrl(ConfigObject a, String text) {
        if (AlertSettings.httpHost(text).isEmpty()) {
            a.problem("dashboard_url", "'" + text + "' is not an http or https URL; write it like https://sluice.example.com/");
            return Optional.empty();
        }
        return Optional.of(URI.create(text.strip()));
    }

    private static Email email(ConfigObject e) {
        String host = e.required("host", "smtp.example.com");
        if (host != null && !HOST.matcher(host.strip()).matches()) {
            e.problem("host", "'" + host + "' is not a host name; write the name alone, without scheme or port (port: has its own key), "
                    + "e.g. host: smtp.example.com");
            host = null;
        }
        Optional<Security> chosen = e.choice("security", Security.class);
        Optional<Long> port = e.integer("port", 1, 65_535);
        Security security = chosen.orElse(port.isPresent() && port.get() == Security.SSL.defaultPort() ? Security.SSL : Security.STARTTLS);
        Optional<String> username = e.string("username");
        Optional<Secret> password = e.secret("password");
        if (username.isPresent() && password.isEmpty())
            e.problem("username", "a username needs a password, e.g. password: ${env:SMTP_PASSWORD}");
        if (password.isPresent() && username.isEmpty())
            e.problem("password", "a password needs a username, e.g. username: alerts@example.com");
        String from = Optional.ofNullable(e.required("from", "alerts@example.com")).flatMap(f -> address(e, "from", f)).orElse(PLACEHOLDER_ADDRESS);
        List<String> to = recipients(e);
        Optional<Path> certificates = e.file("trusted_certificates");
        certificates.ifPresent(f -> checkCertificates(e, f, security));
        Duration timeout = positive(e, "timeout", Email.DEFAULT_TIMEOUT, "30s");
        e.finish();
        boolean login = username.isPresent() && password.isPresent();
        return new Email(host == null ? PLACEHOLDER_HOST : host.strip(), port.map(Long::intValue).orElse(security.defaultPort()), security,
                username.filter(u -> login), password.filter(p -> login), from, to, certificates, timeout);
    }

    private static List<String> recipients(ConfigObject e) {
        if (!e.has("to")) {
            e.problem("missing required key 'to': who gets the alerts, e.g. to: [ops@example.com, data@example.com]");
            return List.of(PLACEHOLDER_ADDRESS);
        }
        List<String> listed = e.strings("to").orElse(List.of());
        var out = new ArrayList<String>();
        for (String item : listed)
            address(e, "to", item).ifPresent(out::add);
        if (out.isEmpty()) {
            if (listed.isEmpty())
                e.problem("to", "name at least one recipient, e.g. to: [ops@example.com]");
            out.add(PLACEHOLDER_ADDRESS);
        }
        return out;
    }

    private static Optional<String> address(ConfigObject e, String key, String text) {
        try {
            var a = new InternetAddress(text.strip(), true);
            if (a.getAddress().contains("@"))
                return Optional.of(text.strip());
        } catch (AddressException ignored) {
            // reported below, with an example
        }
        e.problem(key, "'" + text + "' is not an e-mail address; write it like ops@example.com or Sluice <alerts@example.com>");
        return Optional.empty();
    }

    private static void checkCertificates(ConfigObject e, Path file, Security security) {
        if (security == Security.NONE) {
            e.problem("trusted_certificates", "is used only with TLS; choose security: starttls or ssl, or remove it");
            return;
        }
        try {
            TrustedCertificates.context(Optional.of(file));
        } catch (NoSuchFileException x) {
            e.problem("trusted_certificates", file + " does not exist; name the PEM file of the CA that signed the SMTP server's certificate");
        } catch (IOException x) {
            e.problem("trusted_certificates", "cannot read " + file + ": " + x.getMessage());
        } catch (GeneralSecurityException x) {
            e.problem("trusted_certificates", file + " is not usable: " + x.getMessage());
        }
    }

    private static Webhook webhook(ConfigObject w) {
        if (!w.has("url"))
            w.problem("missing required key 'url': the incoming webhook's address, e.g. url: ${env:ALERT_WEBHOOK_URL}");
        Secret url = w.secret("url").filter(u -> {
            if (AlertSettings.httpHost(u.value()).isPresent())
                return true;
            w.problem("url", "is not an http or https URL (the value is not shown: a webhook URL often holds a token); "
                    + "write it like https://hooks.example.com/services/T000/B000/XXXX");
            return false;
        }).map(u -> new Secret(u.value().strip())).orElse(PLACEHOLDER_URL);
        Map<String, Secret> headers = w.object("headers").map(AlertSettingsBinding::headers).orElse(Map.of());
        Duration timeout = positive(w, "timeout", Webhook.DEFAULT_TIMEOUT, "10s");
        w.finish();
        return new Webhook(url, headers, timeout);
    }

    private static Map<String, Secret> headers(ConfigObject h) {
        var out = new LinkedHashMap<String, Secret>();
        for (String name : h.keys()) {
            Optional<Secret> value = h.secret(name);
            if (RESTRICTED.contains(name.toLowerCase(Locale.ROOT)))
                h.problem(name, "header '" + name + "' is set by the HTTP client itself and cannot be configured; remove it");
            else if (!HEADER_NAME.matcher(name).matches())
                h.problem(name, "'" + name + "' is not a header name; use letters, digits and '-', e.g. Authorization or X-Api-Key");
            else if (value.isPresent() && value.get().value().chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f))
                h.problem(name, "the value has a line break or a control character (the value is not shown: it may be a secret)");
            else
                value.ifPresent(v -> out.put(name, v));
        }
        return out;
    }

    private static Duration positive(ConfigObject c, String key, Duration otherwise, String example) {
        Optional<Duration> d = c.duration(key);
        if (d.isPresent() && (d.get().isZero() || d.get().isNegative())) {
            c.problem(key, "must be more than 0, e.g. " + key + ": " + example);
            return otherwise;
        }
        return d.orElse(otherwise);
    }
}
