package dev.sluice.server;

import static java.util.Objects.requireNonNull;

import dev.sluice.core.Secret;
import dev.sluice.core.config.ConfigObject;
import dev.sluice.server.alert.AlertSettings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The service's own settings: where the API listens, how often the folder is read again, how long a
 * stop waits for runs, how many runs may go at once, the API tokens, and the cleanup schedule. Bound
 * from the optional settings file ({@code sluice serve --settings FILE}); every key has a default.
 *
 * @param host the address the API listens on; beyond loopback, every request needs a token
 * @param port the API's port (0 picks a free one)
 * @param reload how often the pipelines folder is read for changed files
 * @param grace how long a stop waits for running windows before leaving them for the next start
 * @param maxConcurrentRuns how many pipeline runs may go at the same time
 * @param tokens bearer tokens accepted by the API
 * @param cleanupMaxAge run history and dead letters older than this are removed on the cleanup schedule
 * @param cleanupEvery how often the cleanup runs, when {@code cleanupMaxAge} is set
 * @param alerts where alerts go (e-mail, webhook) and how often repeats are sent; none by default
 */
public record ServeSettings(String host, int port, Duration reload, Duration grace, int maxConcurrentRuns, List<Secret> tokens,
                            Optional<Duration> cleanupMaxAge, Duration cleanupEvery, AlertSettings alerts) {
    public static final int DEFAULT_PORT = 8080;

    public ServeSettings {
        requireNonNull(host, "host is null");
        requireNonNull(reload, "reload is null");
        requireNonNull(grace, "grace is null");
        tokens = List.copyOf(tokens);
        requireNonNull(cleanupMaxAge, "cleanupMaxAge is null");
        requireNonNull(cleanupEvery, "cleanupEvery is null");
        requireNonNull(alerts, "alerts is null");
    }

    /** The settings when no file is given: loopback on port 8080, no tokens, no cleanup. */
    public static ServeSettings defaults() {
        return new ServeSettings("127.0.0.1", DEFAULT_PORT, Duration.ofSeconds(2), Duration.ofSeconds(30), 16, List.of(),
                Optional.empty(), Duration.ofDays(1), AlertSettings.none());
    }

    /** Whether the API is reachable only from this machine. */
    public boolean loopbackOnly() {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    public ServeSettings withListen(String host, int port) {
        return new ServeSettings(host, port, reload, grace, maxConcurrentRuns, tokens, cleanupMaxAge, cleanupEvery, alerts);
    }

    public ServeSettings withTokens(List<Secret> more) {
        var all = new ArrayList<>(tokens);
        all.addAll(more);
        return new ServeSettings(host, port, reload, grace, maxConcurrentRuns, all, cleanupMaxAge, cleanupEvery, alerts);
    }

    /** Binds the settings file's top level; problems are reported on {@code top} with their line. */
    public static ServeSettings bind(ConfigObject top) {
        ServeSettings d = defaults();
        String host = d.host();
        int port = d.port();
        Optional<String> listen = top.string("listen");
        if (listen.isPresent()) {
            var parsed = Listen.parse(listen.get());
            if (parsed.isEmpty())
                top.problem("listen", "'" + listen.get() + "' is not an address and port; write it like 127.0.0.1:8080, 0.0.0.0:8080 or [::1]:8080");
            else {
                host = parsed.get().host();
                port = parsed.get().port();
            }
        }
        Duration reload = top.duration("reload").orElse(d.reload());
        if (reload.compareTo(Duration.ofMillis(100)) < 0)
            top.problem("reload", "reload must be at least 100ms; the folder is read again this often");
        Duration grace = top.duration("grace").orElse(d.grace());
        int maxRuns = top.integer("max_concurrent_runs", 1, 10_000).orElse((long) d.maxConcurrentRuns()).intValue();
        var tokens = new ArrayList<Secret>();
        top.object("auth").ifPresent(auth -> {
            auth.file("token_file").ifPresent(f -> tokens.addAll(Tokens.readFile(f, msg -> auth.problem("token_file", msg))));
            auth.finish();
        });
        Optional<Duration> maxAge = Optional.empty();
        Duration every = d.cleanupEvery();
        Optional<ConfigObject> cleanup = top.object("cleanup");
        if (cleanup.isPresent()) {
            maxAge = cleanup.get().duration("max_age");
            if (maxAge.isEmpty())
                cleanup.get().problem("missing required key 'max_age', e.g. cleanup: {max_age: 30d, every: 1d}");
            every = cleanup.get().duration("every").orElse(every);
            cleanup.get().finish();
        }
        AlertSettings alerts = top.object("alerts").map(AlertSettings::bind).orElse(AlertSettings.none());
        return new ServeSettings(host, port, reload, grace, maxRuns, tokens, maxAge, every, alerts);
    }

    /** An address and port as written after {@code listen:} or {@code --listen}. */
    public record Listen(String host, int port) {
        public static Optional<Listen> parse(String text) {
            String t = text.strip();
            int colon = t.lastIndexOf(':');
            if (colon <= 0 || colon == t.length() - 1)
                return Optional.empty();
            String host = t.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]"))
                host = host.substring(1, host.length() - 1);
            try {
                int port = Integer.parseInt(t.substring(colon + 1));
                return port < 0 || port > 65535 || host.isBlank() ? Optional.empty() : Optional.of(new Listen(host, port));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }

}
