package dev.sluice.server.alert;

import static java.util.Objects.requireNonNull;

import dev.sluice.core.Secret;
import dev.sluice.core.config.ConfigObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code alerts:} section of the service's settings: where alerts go and how often an open incident
 * may repeat itself. Secrets (the SMTP password, the webhook's URL and header values) are {@link Secret}s,
 * so that no {@code toString} shows them.
 *
 * @param throttle the shortest time between two messages of one open incident (escalations and recoveries excepted)
 * @param dashboardUrl linked from every message when set
 */
public record AlertSettings(Duration throttle, Optional<URI> dashboardUrl, Optional<Email> email, Optional<Webhook> webhook) {
    public static final Duration DEFAULT_THROTTLE = Duration.ofHours(1);

    public AlertSettings {
        positive(throttle, "throttle");
        requireNonNull(dashboardUrl, "dashboardUrl is null");
        requireNonNull(email, "email is null");
        requireNonNull(webhook, "webhook is null");
    }

    /**
     * Binds the {@code alerts:} mapping, reporting every problem with its line and column through the
     * mapping's file (so that the loader throws them together) and refusing unknown keys. Returns
     * placeholder values where a value had a problem; the loader throws before they can be used.
     */
    public static AlertSettings bind(ConfigObject alerts) {
        return AlertSettingsBinding.bind(alerts);
    }

    /** No channel: incidents are still tracked (see {@link Alerter#openIncidents()}), but nothing is sent. */
    public static AlertSettings none() {
        return new AlertSettings(DEFAULT_THROTTLE, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** How the connection to the SMTP server is protected. */
    public enum Security {
        /** Plain connection upgraded with STARTTLS, which the server must offer (the default, on port 587). */
        STARTTLS(587),
        /** TLS from the first byte, also called SMTPS or implicit TLS (the default on port 465). */
        SSL(465),
        /** No encryption: only when chosen, for a relay on a trusted network. */
        NONE(25);

        private final int defaultPort;

        Security(int defaultPort) {
            this.defaultPort = defaultPort;
        }

        public int defaultPort() {
            return defaultPort;
        }
    }

    /**
     * Alerts by e-mail over SMTP.
     *
     * @param username with {@code password}: log in with them; both empty: send without logging in
     * @param from the sender, such as {@code alerts@example.com} or {@code Sluice <alerts@example.com>}
     * @param to at least one recipient
     * @param trustedCertificates a PEM file of CA certificates trusted besides the JDK's, for a server with a private CA
     * @param timeout for connecting, and for each read and write on the connection
     */
    public record Email(String host, int port, Security security, Optional<String> username, Optional<Secret> password, String from,
                        List<String> to, Optional<Path> trustedCertificates, Duration timeout) {
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

        public Email {
            requireNonNull(host, "host is null");
            if (host.isBlank())
                throw new IllegalArgumentException("host is blank");
            if (port < 1 || port > 65_535)
                throw new IllegalArgumentException("port must be between 1 and 65535, was " + port);
            requireNonNull(security, "security is null");
            requireNonNull(username, "username is null");
            requireNonNull(password, "password is null");
            if (username.isPresent() != password.isPresent())
                throw new IllegalArgumentException("username and password go together: give both or neither");
            requireNonNull(from, "from is null");
            to = List.copyOf(to);
            if (to.isEmpty())
                throw new IllegalArgumentException("to must name at least one recipient");
            requireNonNull(trustedCertificates, "trustedCertificates is null");
            positive(timeout, "timeout");
        }
    }

    /**
     * Alerts as a JSON POST to an incoming webhook (Slack, Mattermost, Rocket.Chat, Google Chat, or any
     * receiver of JSON).
     *
     * @param url secret, because chat tools put the token in the URL
     * @param headers sent with every request, such as an Authorization header; the values are secret
     * @param timeout for connecting and for the answer
     */
    public record Webhook(Secret url, Map<String, Secret> headers, Duration timeout) {
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

        public Webhook {
            requireNonNull(url, "url is null");
            if (httpHost(url.value()).isEmpty())
                throw new IllegalArgumentException("url must be an http or https URL with a host (not shown: it may hold a token)");
            headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
            positive(timeout, "timeout");
        }

        /** The URL's host, which logs may show: the rest of a webhook URL often is a token. */
        public String host() {
            return httpHost(url.value()).orElseThrow();
        }
    }

    /** The host of an absolute http or https URL; empty for anything else. Never puts the text in an exception. */
    static Optional<String> httpHost(String text) {
        try {
            URI u = new URI(text.strip());
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) ? Optional.ofNullable(u.getHost()) : Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static void positive(Duration d, String name) {
        requireNonNull(d, name + " is null");
        if (d.isNegative() || d.isZero())
            throw new IllegalArgumentException(name + " must be more than 0, was " + d);
    }
}
