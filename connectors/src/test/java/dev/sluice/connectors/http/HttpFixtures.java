package dev.sluice.connectors.http;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.connectors.http.HttpConnectionConfig.Breaker;
import dev.sluice.connectors.http.HttpConnectionConfig.RetryPolicy;
import dev.sluice.connectors.http.HttpConnectionConfig.Timeouts;
import dev.sluice.core.SluiceException;
import dev.sluice.testkit.LogLines;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Helpers shared by the HTTP connection tests. */
final class HttpFixtures {
    private HttpFixtures() {
    }

    static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    /** Settings for a test connection: millisecond backoffs and short timeouts, changed one at a time. */
    static final class Settings {
        URI base;
        Map<String, String> headers = Map.of();
        Auth auth = new Auth.None();
        Timeouts timeouts = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10));
        RetryPolicy retry = retries(3);
        Optional<Rate> rate = Optional.empty();
        int concurrency = 8;
        Optional<Breaker> breaker = Optional.of(Breaker.DEFAULT);
        ByteSize maxBody = HttpConnectionConfig.DEFAULT_MAX_BODY;
        List<URI> origins = List.of();
        Optional<Path> caFile = Optional.empty();

        Settings(URI base) {
            this.base = base;
        }

        Settings auth(Auth a) {
            auth = a;
            return this;
        }

        Settings retry(RetryPolicy r) {
            retry = r;
            return this;
        }

        Settings timeouts(Duration connect, Duration read, Duration total) {
            timeouts = new Timeouts(connect, read, total);
            return this;
        }

        HttpConnectionConfig config() {
            return new HttpConnectionConfig(base, headers, auth, timeouts, retry, rate, concurrency, breaker, maxBody, origins, caFile);
        }

        /** A connection named "api", opened; close it when done. */
        HttpConnection open() {
            var c = new HttpConnection("api", config());
            c.open();
            return c;
        }
    }

    static Settings settings(URI base) {
        return new Settings(base);
    }

    /** {@code attempts} in all, 1 to 5 ms apart, retrying the default statuses. */
    static RetryPolicy retries(int attempts) {
        return new RetryPolicy(attempts, ms(1), ms(5), 2, 0, Duration.ofMinutes(2), RetryPolicy.DEFAULT_STATUSES);
    }

    static SluiceException failure(ThrowingCallable call) {
        var thrown = new ArrayList<Throwable>();
        assertThatThrownBy(() -> {
            try {
                call.call();
            } catch (Throwable t) {
                thrown.add(t);
                throw t;
            }
        }).isInstanceOf(SluiceException.class);
        return (SluiceException) thrown.getFirst();
    }

    /** Everything an exception says: its message and those of its causes. */
    static String said(Throwable t) {
        var out = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause())
            out.append(c).append('\n');
        return out.toString();
    }

    /** Collects the log lines of this package while open, with their key-values. */
    static LogLines logLines() {
        return new LogLines("dev.sluice.connectors.http");
    }
}
