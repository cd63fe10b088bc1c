package dev.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.sluice.cli.Main;
import dev.sluice.core.PipelineId;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.PipelineConfig;
import dev.sluice.core.runner.RunListener;
import dev.sluice.core.runner.RunResult;
import dev.sluice.core.runner.Runner;
import dev.sluice.core.runner.StopSignal;
import dev.sluice.core.state.Counts;
import dev.sluice.core.state.KeyStatus;
import dev.sluice.core.state.KeyStatus.KeyOutcome;
import dev.sluice.core.state.LedgerEntry;
import dev.sluice.core.state.Position;
import dev.sluice.core.state.RunKind;
import dev.sluice.core.state.RunStatus;
import dev.sluice.core.state.StateStore;
import dev.sluice.core.state.WindowStatus;
import dev.sluice.core.window.CursorKind;
import dev.sluice.core.window.TimeWindow;
import dev.sluice.core.window.Window;
import dev.sluice.state.Leases;
import dev.sluice.state.StateStores;
import dev.sluice.testkit.demo.AuthMode;
import dev.sluice.testkit.demo.DemoApi;
import dev.sluice.testkit.demo.DemoApiOptions;
import dev.sluice.testkit.demo.Fault;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Whole HTTP pipelines against the demo API, run by the runner on a real SQLite store with a JSON Lines sink:
 * authentication, dependent requests with fallbacks and key status, replay of failed keys, declared-empty answers,
 * and that no secret ever reaches a message, the books, a log line or the command line's output.
 */
class HttpPipelineTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final Clock NOW = Clock.fixed(Instant.parse("2025-01-01T06:00:00Z"), ZoneOffset.UTC);
    private static final JsonMapper JSON = JsonMapper.shared();

    @TempDir
    Path dir;
    StateStore store;
    DemoApi api;

    @BeforeEach
    void openStore() {
        store = StateStores.open("sqlite:" + dir.resolve("state.db"));
    }

    @AfterEach
    void close() {
        if (api != null)
            api.close();
        store.close();
    }

    private DemoApi start(AuthMode auth) throws IOException {
        api = DemoApi.start(DemoApiOptions.defaults().withAuth(auth));
        return api;
    }

    // ---- authentication ----

    /** The connection's auth: for a server in {@code mode}, with the right credentials. */
    private String auth(AuthMode mode) {
        return switch (mode) {
            case NONE -> "auth: {type: none}";
            case BEARER -> "auth: {type: bearer, token: " + DemoApi.BEARER_TOKEN + "}";
            case API_KEY_HEADER -> "auth: {type: api_key, in: header, name: X-API-Key, value: " + DemoApi.API_KEY + "}";
            case API_KEY_QUERY -> "auth: {type: api_key, in: query, name: api_key, value: " + DemoApi.API_KEY + "}";
            case BASIC -> "auth: {type: basic, username: " + DemoApi.USERNAME + ", password: " + DemoApi.PASSWORD + "}";
            case COOKIE -> "auth: {type: cookie, login: {path: /login, body: {username: " + DemoApi.USERNAME + ", password: "
                    + DemoApi.PASSWORD + "}}}";
            case OAUTH2 -> oauth2(DemoApi.CLIENT_SECRET);
        };
    }

    private String oauth2(String clientSecret) {
        return "auth: {type: oauth2, token_url: " + api.baseUri() + "/oauth/token, client_id: " + DemoApi.CLIENT_ID + ", client_secret: "
                + clientSecret + ", scopes: [" + DemoApi.SCOPE + "]}";
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = AuthMode.class, names = {"BEARER", "API_KEY_HEADER", "API_KEY_QUERY", "BASIC", "COOKIE", "OAUTH2"})
    void each_auth_mode_delivers_the_records_of_the_window_without_being_refused(AuthMode mode) throws IOException {
        start(mode);

        RunResult result = run(pipeline("auth", 2, auth(mode), ""));

        assertThat(result.status()).as(result.errors().toString()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(idsIn(hour(0))).isEqualTo(expectedIds(hour(0)));
        assertThat(idsIn(hour(1))).isEqualTo(expectedIds(hour(1)));
        assertThat(api.stats().responses(401)).isZero();
    }

    @Test
    void oauth2_fetches_a_new_token_exactly_once_when_the_api_expires_tokens_mid_run() throws IOException {
        start(AuthMode.OAUTH2);

        RunResult result = run(pipeline("oauth", 3, auth(AuthMode.OAUTH2), ""), expiringTokensAfter(hour(0)));

        assertThat(result.status()).as(result.errors().toString()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(api.stats().tokensIssued()).isEqualTo(2);
        assertThat(api.stats().responses(401)).isEqualTo(1);
        for (int h = 0; h < 3; h++)
            assertThat(idsIn(hour(h))).isEqualTo(expectedIds(hour(h)));
    }

    @Test
    void a_cookie_login_logs_in_again_exactly_once_when_the_api_ends_sessions_mid_run() throws IOException {
        start(AuthMode.COOKIE);

        RunResult result = run(pipeline("cookie", 3, auth(AuthMode.COOKIE), ""), expiringTokensAfter(hour(0)));

        assertThat(result.status()).as(result.errors().toString()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(api.stats().sessionsIssued()).isEqualTo(2);
        for (int h = 0; h < 3; h++)
            assertThat(idsIn(hour(h))).isEqualTo(expectedIds(hour(h)));
    }

    @Test
    void a_burst_of_dependent_requests_refused_after_tokens_expired_fetches_one_new_token() throws IOException {
        start(AuthMode.OAUTH2);
        // The step has a connection, and so a token, of its own: after the expiry its first 8 requests are refused at once.
        String text = """
                name: burst
                windows: {cursor: time, start: 2025-01-01T00:00:00Z, end: 2025-01-01T02:00:00Z, size: 1h}
                connections:
                  records:
                    base_url: %1$s
                    %2$s
                  lookups:
                    base_url: %1$s
                    concurrency: 8
                    %2$s
                source:
                  type: http
                  connection: records
                  request: {path: /page/records, query: {since: "{{ window.start }}", until: "{{ window.end }}"}}
                  records: $.data[*]
                  pagination: {type: page_number, size: 100}
                steps:
                  - type: http
                    name: details
                    connection: lookups
                    key: "{{ record.id }}"
                    request: {path: "/details/{{ record.id }}"}
                    records: $.data[*]
                    on_empty: keep
                sink: {type: jsonl, path: out-burst}
                """.formatted(api.baseUri(), auth(AuthMode.OAUTH2));

        RunResult result = run(text, expiringTokensAfter(hour(0)));

        assertThat(result.status()).as(result.errors().toString()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(api.stats().responses(401)).as("requests refused with an expired token").isGreaterThan(2);
        assertThat(api.stats().tokensIssued()).as("one token per connection, then one more each").isEqualTo(4);
        assertThat(idsIn(hour(1))).isEqualTo(expectedIds(hour(1)));
    }

    /** Expires every token and session once the window is committed, before the next one starts (one window at a time). */
    private RunListener expiringTokensAfter(TimeWindow window) {
        return new RunListener() {
            @Override
            public void windowCommitted(Window w, Counts counts) {
                if (w.equals(window))
                    api.expireTokens();
            }
        };
    }

    // ---- dependent requests ----

    private static final String DETAILS_WITH_FALLBACK = """
            steps:
              - type: http
                name: details
                connection: demo
                key: "{{ record.id }}"
                request: {path: "/details/{{ record.id }}"}
                records: $.data[*]
                fallbacks:
                  - name: by-fallback
                    request: {path: "/details-fallback/{{ record.id }}"}
                    records: $.data[*]
                on_failure: record_key
            """;

    @Test
    void a_dependent_request_with_a_fallback_delivers_every_record_but_those_no_request_answered() throws IOException {
        start(AuthMode.NONE);

        RunResult result = run(pipeline("details", 2, "", DETAILS_WITH_FALLBACK));

        assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
        for (TimeWindow w : List.of(hour(0), hour(1))) {
            List<Long> expected = expectedIds(w).stream().filter(id -> id % 12 != 0).toList();
            assertThat(idsIn(w)).as("ids written for %s", w).isEqualTo(expected);
            Counts counts = entry("details", w).counts();
            assertThat(counts.read()).isEqualTo(60);
            assertThat(counts.rejected()).isEqualTo(5); // ids 12, 24, 36, 48 and 60 of each hour
            assertThat(counts.written()).isEqualTo(55);
        }
        assertThat(store.watermark(new PipelineId("details"), CursorKind.TIME)).map(Position::instant).contains(hour(1).end());
    }

    @Test
    void key_status_names_the_request_that_answered_each_key_and_why_the_others_failed() throws IOException {
        start(AuthMode.NONE);

        run(pipeline("details", 2, "", DETAILS_WITH_FALLBACK));

        Map<String, KeyStatus> keys = keys("details");
        assertThat(keys).hasSize(120);
        for (long id = 1; id <= 120; id++) {
            KeyStatus k = keys.get(Long.toString(id));
            assertThat(k.window()).as("window of key %d", id).contains(hour((int) ((id - 1) / 60)));
            if (id % 12 == 0) {
                assertThat(k.outcome()).as("key %d", id).isEqualTo(KeyOutcome.FAILED);
                assertThat(k.reason()).as("key %d", id).hasValueSatisfying(r -> assertThat(r).contains("all requests returned empty"));
                assertThat(store.error(k.errorId().orElseThrow())).as("error of key %d", id).isPresent();
            } else {
                assertThat(k.outcome()).as("key %d", id).isEqualTo(KeyOutcome.SUCCEEDED);
                assertThat(k.answeredBy()).as("key %d", id).contains(id % 4 == 0 ? "details: by-fallback" : "details: primary");
            }
        }
    }

    private static final String DETAILS_KEPT_WHEN_EMPTY = """
            steps:
              - type: http
                name: details
                connection: demo
                key: "{{ record.id }}"
                request: {path: "/details/{{ record.id }}"}
                records: $.data[*]
                on_empty: keep
                on_failure: record_key
            """;

    @Test
    void replaying_failed_keys_delivers_their_records_once_the_api_answers_and_keeps_the_watermark() throws IOException {
        start(AuthMode.NONE);
        // Ids 5 and 50 to 59, all in the first hour, fail; the second hour has none.
        api.faults().add(Fault.status(503).always().at("/details/5"));
        String text = pipeline("replay", 2, "", DETAILS_KEPT_WHEN_EMPTY);
        run(text);
        List<String> failed = List.of("5", "50", "51", "52", "53", "54", "55", "56", "57", "58", "59");
        assertThat(store.keyStatuses(new PipelineId("replay"), Optional.of(KeyOutcome.FAILED))).extracting(KeyStatus::key)
                .containsExactlyInAnyOrderElementsOf(failed);
        assertThat(idsIn(hour(0))).hasSize(49);
        Optional<Position> watermark = store.watermark(new PipelineId("replay"), CursorKind.TIME);
        api.faults().clear();

        RunResult replay = runner(text, RunListener.NONE).replayFailedKeys();

        assertThat(replay.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(store.runs(new PipelineId("replay"), 1).getFirst().kind()).isEqualTo(RunKind.REPLAY);
        Map<String, KeyStatus> keys = keys("replay");
        for (String key : failed) {
            assertThat(keys.get(key).outcome()).as("key %s", key).isEqualTo(KeyOutcome.SUCCEEDED);
            assertThat(keys.get(key).attempts()).as("attempts of key %s", key).isEqualTo(2);
        }
        assertThat(idsIn(hour(0))).isEqualTo(expectedIds(hour(0)));
        assertThat(idsIn(hour(1))).isEqualTo(expectedIds(hour(1)));
        assertThat(entry("replay", hour(0)).attempt()).isEqualTo(2);
        assertThat(entry("replay", hour(1)).attempt()).as("the window without failed keys is not run again").isEqualTo(1);
        assertThat(store.watermark(new PipelineId("replay"), CursorKind.TIME)).isEqualTo(watermark).map(Position::instant).contains(hour(1).end());
    }

    @Test
    void answers_declared_empty_are_counted_in_the_ledger_and_their_records_kept() throws IOException {
        start(AuthMode.NONE);
        String step = """
                steps:
                  - type: http
                    name: optional
                    connection: demo
                    request: {path: "/optional/{{ record.id }}", empty_statuses: [400]}
                    on_empty: keep
                """;

        RunResult result = run(pipeline("optional", 1, "", step));

        assertThat(result.status()).as(result.errors().toString()).isEqualTo(RunStatus.SUCCEEDED);
        Counts counts = entry("optional", hour(0)).counts();
        assertThat(counts.emptyAnswers()).isEqualTo(60);
        assertThat(counts.written()).isEqualTo(60);
        assertThat(counts.rejected()).isZero();
        assertThat(idsIn(hour(0))).isEqualTo(expectedIds(hour(0)));
    }

    // ---- secrets ----

    private static final String BEARER_SECRET = "s3cr3t-bearer-1111";
    private static final String HEADER_KEY_SECRET = "s3cr3t-header-2222";
    private static final String QUERY_KEY_SECRET = "s3cr3t-query-3333";
    private static final String BASIC_SECRET = "s3cr3t-basic-4444";
    private static final String LOGIN_SECRET = "s3cr3t-login-5555";
    private static final String CLIENT_SECRET = "s3cr3t-client-6666";

    private static final String DETAILS_RECORDED = """
            steps:
              - type: http
                name: details
                connection: demo
                key: "{{ record.id }}"
                request: {path: "/details/{{ record.id }}"}
                records: $.data[*]
                on_empty: keep
                on_failure: record_key
            """;

    @Test
    void no_secret_appears_in_errors_the_books_log_lines_or_the_command_lines_output() throws IOException {
        var said = new ArrayList<String>();

        failOnPurpose("wrong-bearer", AuthMode.BEARER, a -> "auth: {type: bearer, token: " + BEARER_SECRET + "}", "", List.of(), said);
        failOnPurpose("wrong-header-key", AuthMode.API_KEY_HEADER, a -> "auth: {type: api_key, in: header, name: X-API-Key, value: "
                + HEADER_KEY_SECRET + "}", "", List.of(), said);
        failOnPurpose("wrong-query-key", AuthMode.API_KEY_QUERY, a -> "auth: {type: api_key, in: query, name: api_key, value: "
                + QUERY_KEY_SECRET + "}", "", List.of(), said);
        failOnPurpose("wrong-password", AuthMode.BASIC, a -> "auth: {type: basic, username: demo, password: " + BASIC_SECRET + "}", "", List.of(), said);
        failOnPurpose("wrong-login", AuthMode.COOKIE, a -> "auth: {type: cookie, login: {path: /login, body: {username: demo, password: "
                + LOGIN_SECRET + "}}}", "", List.of(), said);
        failOnPurpose("wrong-client-secret", AuthMode.OAUTH2, a -> oauth2(CLIENT_SECRET), "", List.of(), said);
        // The right credentials, and a server that fails: the source, or each key of a step.
        failOnPurpose("query-key-source-error", AuthMode.API_KEY_QUERY, this::auth, "", List.of(Fault.status(503).always().at("/page/")), said);
        failOnPurpose("query-key-step-error", AuthMode.API_KEY_QUERY, this::auth, DETAILS_RECORDED, List.of(Fault.status(500).always().at("/details/")), said);
        failOnPurpose("bearer-source-error", AuthMode.BEARER, this::auth, "", List.of(Fault.status(500).always()), said);
        failOnPurpose("oauth2-step-error", AuthMode.OAUTH2, this::auth, DETAILS_RECORDED, List.of(Fault.status(502).always().at("/details/")), said);

        String all = String.join("\n", said);
        assertThat(all).as("the failures were collected").contains("answered 401", "answered 503", "answered 500", "answered 502");
        List<String> secrets = List.of(BEARER_SECRET, HEADER_KEY_SECRET, QUERY_KEY_SECRET, BASIC_SECRET,
                Base64.getEncoder().encodeToString(("demo:" + BASIC_SECRET).getBytes(StandardCharsets.UTF_8)), LOGIN_SECRET, CLIENT_SECRET,
                "s3cr3t", DemoApi.API_KEY, DemoApi.BEARER_TOKEN, DemoApi.CLIENT_SECRET);
        for (String secret : secrets)
            assertThat(said).as("what was said with %s", secret).noneMatch(line -> line.contains(secret));
    }

    /**
     * Runs a pipeline that fails against a server in {@code mode} with {@code faults} through the runner and
     * then through the command line, and keeps everything said about it: the run's errors, the books, log lines of
     * every level, and the output of {@code sluice run -v} (as text and JSON), {@code status} (as text and JSON) and {@code history --json}.
     */
    private void failOnPurpose(String name, AuthMode mode, Function<AuthMode, String> auth, String steps, List<Fault> faults, List<String> said)
            throws IOException {
        try (DemoApi server = DemoApi.start(DemoApiOptions.defaults().withAuth(mode))) {
            api = server;
            faults.forEach(server.faults()::add);
            String text = pipeline(name, 1, auth.apply(mode), steps);
            PipelineId id = new PipelineId(name);
            try (var logs = new LogLines()) {
                RunResult result = run(text);
                boolean failed = result.status() == RunStatus.FAILED || !store.keyStatuses(id, Optional.of(KeyOutcome.FAILED)).isEmpty();
                assertThat(failed).as("%s failed a window or a key", name).isTrue();
                said.add(result.toString());
                result.errors().forEach(e -> said.add(everything(e)));
                store.runs(id, 10).forEach(r -> {
                    said.add(r.toString());
                    r.errorId().flatMap(store::error).ifPresent(e -> said.add(e.toString()));
                });
                for (LedgerEntry e : store.ledger(id, CursorKind.TIME, Optional.empty(), 10)) {
                    said.add(e.toString());
                    e.errorId().flatMap(store::error).ifPresent(err -> said.add(err.toString()));
                }
                for (KeyStatus k : store.keyStatuses(id, Optional.empty())) {
                    said.add(k.toString());
                    k.errorId().flatMap(store::error).ifPresent(err -> said.add(err.toString()));
                }
                said.addAll(logs.lines());
            }
            Path file = dir.resolve(name + ".yaml");
            Files.writeString(file, text);
            said.add(cli("run", file.toString(), "-v"));
            said.add(cli("run", file.toString(), "-v", "--log-format", "json"));
            said.add(cli("status", file.toString()));
            said.add(cli("status", file.toString(), "--json"));
            said.add(cli("history", file.toString(), "--json"));
        } finally {
            api = null;
        }
    }

    /** An exception's messages, its causes' and its suppressed exceptions'. */
    private static String everything(Throwable t) {
        var out = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            out.append(c).append('\n');
            for (Throwable s : c.getSuppressed())
                out.append(everything(s));
        }
        return out.toString();
    }

    /** Runs the sluice command in this JVM; returns its exit code, standard output and standard error. */
    private static String cli(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = Main.execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return "sluice " + String.join(" ", args) + " exited " + code + "\n" + out.toString(StandardCharsets.UTF_8) + "\n"
                + err.toString(StandardCharsets.UTF_8);
    }

    /** Collects every log line of every logger, at every level, while open. */
    private static final class LogLines implements AutoCloseable {
        private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        private final Level level = root.getLevel();
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

        LogLines() {
            appender.start();
            root.addAppender(appender);
            root.setLevel(Level.ALL);
        }

        List<String> lines() {
            var lines = new ArrayList<String>();
            for (ILoggingEvent e : List.copyOf(appender.list)) {
                var line = new StringBuilder(e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage());
                if (e.getKeyValuePairs() != null)
                    line.append(' ').append(e.getKeyValuePairs());
                for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause())
                    line.append(' ').append(t.getClassName()).append(": ").append(t.getMessage());
                lines.add(line.toString());
            }
            return lines;
        }

        @Override
        public void close() {
            root.detachAppender(appender);
            root.setLevel(level);
        }
    }

    // ---- fixtures ----

    /**
     * A pipeline file named {@code name}: hourly windows from {@link #T0}, the demo API's page-numbered records, the
     * connection's {@code auth} line, then {@code steps}, into a JSON Lines folder {@code out-NAME}.
     */
    private String pipeline(String name, int hours, String auth, String steps) {
        return """
                name: %s
                state: sqlite:state.db
                windows: {cursor: time, start: 2025-01-01T00:00:00Z, end: %s, size: 1h}
                connections:
                  demo:
                    base_url: %s
                    retry: {max_attempts: 3, initial_backoff: 5ms, max_backoff: 20ms}
                    circuit_breaker: off
                    %s
                source:
                  type: http
                  connection: demo
                  request: {path: /page/records, query: {since: "{{ window.start }}", until: "{{ window.end }}"}}
                  records: $.data[*]
                  pagination: {type: page_number, size: 50}
                %s
                sink: {type: jsonl, path: out-%s}
                """.formatted(name, hour(hours - 1).end(), api.baseUri(), auth, steps, name);
    }

    private Runner runner(String text, RunListener listener) {
        PipelineConfig config = ConfigLoader.standard().load(dir.resolve("pipeline.yaml"), text);
        return new Runner(config, store, NOW, listener, new StopSignal(), Leases.currentHolder());
    }

    private RunResult run(String text) {
        return run(text, RunListener.NONE);
    }

    private RunResult run(String text, RunListener listener) {
        return runner(text, listener).run();
    }

    private LedgerEntry entry(String pipeline, TimeWindow w) {
        return store.ledger(new PipelineId(pipeline), CursorKind.TIME, Optional.empty(), 100).stream().filter(e -> e.window().equals(w))
                .findFirst().orElseThrow();
    }

    private Map<String, KeyStatus> keys(String pipeline) {
        return store.keyStatuses(new PipelineId(pipeline), Optional.empty()).stream().collect(Collectors.toMap(KeyStatus::key, Function.identity()));
    }

    private static TimeWindow hour(int i) {
        return new TimeWindow(T0.plusSeconds(3600L * i), T0.plusSeconds(3600L * (i + 1)));
    }

    /** The ids in the window's output file of the only pipeline that wrote to {@code dir}. */
    private List<Long> idsIn(TimeWindow w) {
        try (var folders = Files.list(dir)) {
            Path folder = folders.filter(p -> p.getFileName().toString().startsWith("out-")).findFirst().orElseThrow();
            var ids = new ArrayList<Long>();
            for (String line : Files.readAllLines(folder.resolve(w.fileName() + ".jsonl"))) {
                JsonNode record = JSON.readTree(line);
                ids.add(record.get("id").asLong());
            }
            return ids;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private List<Long> expectedIds(TimeWindow w) {
        return api.data().between(w.start(), w.end()).stream().map(o -> o.get("id").asLong()).toList();
    }
}
