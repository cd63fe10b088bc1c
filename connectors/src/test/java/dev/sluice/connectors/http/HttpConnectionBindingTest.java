package dev.sluice.connectors.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.ConfigObject;
import dev.sluice.core.config.Connectors;
import dev.sluice.core.spi.Page;
import dev.sluice.core.spi.Source;
import dev.sluice.core.spi.SourceContext;
import dev.sluice.core.spi.SourceProvider;
import dev.sluice.core.window.CursorKind;
import dev.sluice.core.window.Window;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Binding {@code connections.NAME} from a pipeline file: typed values, defaults, and problems with line:column. */
class HttpConnectionBindingTest {
    @TempDir
    Path dir;

    /** A source type that only binds the connection it names, so that the test can look at it. */
    private static final class Probe implements SourceProvider {
        HttpConnection bound;

        @Override
        public String type() {
            return "probe";
        }

        @Override
        public Set<CursorKind> cursors() {
            return Set.of(CursorKind.TIME);
        }

        @Override
        public Source bind(ConfigObject config, CursorKind cursor) {
            bound = config.connection("connection", HttpConnection.class, HttpConnection::bind).orElse(null);
            return new Source() {
                @Override
                public void open(SourceContext context) {
                }

                @Override
                public Page read(Window window, Optional<String> after) {
                    throw new IllegalStateException("a probe reads nothing");
                }

                @Override
                public void close() {
                }
            };
        }
    }

    private final Probe probe = new Probe();
    private final Map<String, String> environment = Map.of("API_TOKEN", "tok-from-env-5150", "CLIENT_SECRET", "cs-from-env-6160");

    private HttpConnectionConfig load(String connection) {
        var loader = new ConfigLoader(name -> Optional.ofNullable(environment.get(name)),
                new Connectors(Map.of("probe", probe), Connectors.discover().sinks()));
        loader.load(dir.resolve("p.yaml"), """
                windows: {cursor: time, start: 2025-01-01T00:00:00Z, size: 1h}
                connections:
                  api:
                """ + connection.indent(4) + """
                source: {type: probe, connection: api}
                sink: {type: jsonl, path: out}
                """);
        return probe.bound.config();
    }

    private String problems(String connection) {
        var thrown = assertThatThrownBy(() -> load(connection)).isInstanceOf(SluiceException.class).actual();
        assertThat(((SluiceException) thrown).code()).isEqualTo(ErrorCode.CONFIG_INVALID);
        return thrown.getMessage();
    }

    @Test
    void binds_every_key_of_a_connection() {
        var c = load("""
                base_url: https://api.example.com/v1
                headers: {Accept: application/json}
                auth: {type: bearer, token: "${env:API_TOKEN}"}
                timeouts: {connect: 5s, read: 20s, total: 1m}
                retry: {max_attempts: 4, initial_backoff: 200ms, max_backoff: 10s, multiplier: 3, jitter: 0.2, max_retry_after: 5m, on_status: [429, 503]}
                rate_limit: 600/min
                concurrency: 4
                circuit_breaker: {failure_rate: 60, minimum_calls: 10, open_for: 1m}
                max_body: 16MB
                allow_origins: [https://cdn.example.com]
                tls: {ca_file: certs/ca.pem}
                """);

        assertThat(probe.bound.name()).isEqualTo("api");
        assertThat(c.baseUrl()).isEqualTo(URI.create("https://api.example.com/v1"));
        assertThat(c.headers()).containsExactly(Map.entry("Accept", "application/json"));
        assertThat(c.auth()).isInstanceOfSatisfying(Auth.Bearer.class, b -> assertThat(b.token().value()).isEqualTo("tok-from-env-5150"));
        assertThat(c.timeouts()).isEqualTo(new HttpConnectionConfig.Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofMinutes(1)));
        assertThat(c.retry()).isEqualTo(new HttpConnectionConfig.RetryPolicy(4, Duration.ofMillis(200), Duration.ofSeconds(10), 3, 0.2,
                Duration.ofMinutes(5), Set.of(429, 503)));
        assertThat(c.rateLimit()).contains(new Rate(600, Duration.ofMinutes(1)));
        assertThat(c.concurrency()).isEqualTo(4);
        assertThat(c.circuitBreaker()).contains(new HttpConnectionConfig.Breaker(60, 10, Duration.ofMinutes(1)));
        assertThat(c.maxBody()).isEqualTo(new ByteSize(16L << 20));
        assertThat(c.allowOrigins()).containsExactly(URI.create("https://cdn.example.com"));
        assertThat(c.caFile()).contains(dir.resolve("certs/ca.pem").toAbsolutePath().normalize());
    }

    @Test
    void uses_the_defaults_for_keys_left_out() {
        var c = load("base_url: http://localhost:8080\n");

        assertThat(c).isEqualTo(HttpConnectionConfig.defaults(URI.create("http://localhost:8080")));
    }

    @Test
    void turns_the_circuit_breaker_off() {
        assertThat(load("base_url: https://a.example\ncircuit_breaker: off\n").circuitBreaker()).isEmpty();
    }

    @Test
    void binds_an_oauth2_client_with_scopes_audience_and_extras() {
        var c = load("""
                base_url: https://api.example.com
                auth:
                  type: oauth2
                  token_url: https://login.example.com/token
                  client_id: sluice
                  client_secret: ${env:CLIENT_SECRET}
                  scopes: [user_impersonation]
                  audience: api://plant
                  client_auth: basic
                  extra: {resource: plant-9}
                """);

        assertThat(c.auth()).isEqualTo(new Auth.OAuth2(URI.create("https://login.example.com/token"), "sluice",
                new dev.sluice.core.Secret("cs-from-env-6160"), List.of("user_impersonation"), Optional.of("api://plant"), Auth.ClientAuth.BASIC,
                Map.of("resource", "plant-9")));
    }

    @Test
    void binds_a_cookie_login_whose_body_is_kept_as_a_secret() {
        var c = load("""
                base_url: https://api.example.com
                auth: {type: cookie, login: {path: /login, body: {username: reader, password: "${env:API_TOKEN}"}}}
                """);

        var login = (Auth.CookieLogin) c.auth();
        assertThat(login.method()).isEqualTo("POST");
        assertThat(login.body().orElseThrow().value()).isEqualTo("{\"username\":\"reader\",\"password\":\"tok-from-env-5150\"}");
        assertThat(login.toString()).doesNotContain("tok-from-env-5150");
    }

    @Test
    void reports_a_rate_that_is_not_one_with_its_line_and_column() {
        assertThat(problems("base_url: https://a.example\nrate_limit: 200 per s\n"))
                .contains("p.yaml line 5:17: connections.api.rate_limit: '200 per s' is not a rate; write 200/s or 600/min");
    }

    @Test
    void reports_an_unknown_auth_type_with_the_valid_ones() {
        assertThat(problems("base_url: https://a.example\nauth: {type: kerberos}\n"))
                .contains("line 5:").contains("connections.api.auth.type: 'kerberos' is not valid; use one of: none, bearer, api_key, basic, cookie, oauth2");
    }

    @Test
    void reports_a_missing_token_url() {
        assertThat(problems("base_url: https://a.example\nauth: {type: oauth2, client_id: x, client_secret: y}\n"))
                .contains("line 5:").contains("connections.api.auth: missing required key 'token_url'");
    }

    @Test
    void reports_an_unknown_key_with_the_closest_valid_one() {
        assertThat(problems("base_url: https://a.example\nretyr: {max_attempts: 3}\n"))
                .contains("line 5:").contains("connections.api.retyr: unknown key (did you mean 'retry'?)");
    }

    @Test
    void reports_every_problem_of_a_connection_at_once() {
        String message = problems("""
                base_url: ftp://files.example.com
                max_body: lots
                retry: {jitter: 1.5, on_status: [abc]}
                allow_origins: [https://cdn.example.com/path]
                """);

        assertThat(message).contains("5 problems")
                .contains("base_url: 'ftp://files.example.com' is not an http or https URL")
                .contains("max_body: 'lots' is not a size; write 64MB, 512KB, 1GB or a number of bytes")
                .contains("retry.jitter: '1.5' is not valid; write a number at least 0 and below 1")
                .contains("retry.on_status: 'abc' is not an HTTP status")
                .contains("allow_origins: 'https://cdn.example.com/path' is not an origin");
    }

    @Test
    void never_quotes_a_secret_in_a_problem() {
        assertThat(problems("base_url: https://a.example\nauth: {type: bearer, token: \"${env:API_TOKEN}\", tokn: 1}\n"))
                .doesNotContain("tok-from-env-5150");
    }

    @Test
    void parses_rates_into_evenly_spaced_permits() {
        assertThat(Rate.parse("200/s").interval()).isEqualTo(Duration.ofMillis(5));
        assertThat(Rate.parse("600/min").interval()).isEqualTo(Duration.ofMillis(100));
        assertThat(Rate.parse("10/1s")).isEqualTo(new Rate(10, Duration.ofSeconds(1)));
        assertThat(Rate.parse("5 / 2m")).isEqualTo(new Rate(5, Duration.ofMinutes(2)));
        assertThatThrownBy(() -> Rate.parse("0/s")).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> Rate.parse("fast")).hasMessage("'fast' is not a rate; write 200/s or 600/min");
    }

    @Test
    void parses_sizes_in_powers_of_1024() {
        assertThat(ByteSize.parse("64MB").bytes()).isEqualTo(64L << 20);
        assertThat(ByteSize.parse("512 kb").bytes()).isEqualTo(512L << 10);
        assertThat(ByteSize.parse("1GB").bytes()).isEqualTo(1L << 30);
        assertThat(ByteSize.parse("1048576")).isEqualTo(new ByteSize(1 << 20)).hasToString("1MB");
        assertThatThrownBy(() -> ByteSize.parse("64 megs")).hasMessageContaining("write 64MB");
    }

    @Test
    void reads_retry_after_as_seconds_or_an_http_date() {
        var now = java.time.Instant.parse("2025-03-01T10:00:00Z");

        assertThat(RetryAfter.parse(Optional.of("120"), now)).contains(Duration.ofMinutes(2));
        assertThat(RetryAfter.parse(Optional.of("Sat, 01 Mar 2025 10:00:30 GMT"), now)).contains(Duration.ofSeconds(30));
        assertThat(RetryAfter.parse(Optional.of("Sat, 01 Mar 2025 09:00:00 GMT"), now)).contains(Duration.ZERO);
        assertThat(RetryAfter.parse(Optional.of("soon"), now)).isEmpty();
        assertThat(RetryAfter.parse(Optional.empty(), now)).isEmpty();
    }
}
