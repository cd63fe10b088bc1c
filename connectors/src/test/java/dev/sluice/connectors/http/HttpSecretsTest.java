package dev.sluice.connectors.http;

import static dev.sluice.connectors.http.HttpFixtures.said;
import static dev.sluice.connectors.http.HttpFixtures.settings;
import static dev.sluice.connectors.http.TestApi.json;
import static dev.sluice.connectors.http.TestApi.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.SluiceException;
import dev.sluice.core.Secret;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Drives every failure a connection reports against a server that echoes what it received, and checks
 * that no secret appears in any exception, log line, stats or toString.
 */
class HttpSecretsTest {
    private static final String BEARER = "bearer-secret-1111";
    private static final String QUERY_KEY = "query key+2222";
    private static final String BASIC_PASSWORD = "basic-pw-3333";
    private static final String CLIENT_SECRET = "client-secret-4444";
    private static final String ACCESS_TOKEN = "access-token-5555";
    private static final String LOGIN_PASSWORD = "login-pw-6666";
    private static final String SESSION = "session-7777";
    private static final String STATIC_COOKIE = "static-cookie-8888";
    private static final String HEADER_TOKEN = "header-token-9999";

    private TestApi api;
    private final List<String> said = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        api = TestApi.start();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    /** Answers {@code status} with everything the request carried: headers, query and body. */
    private static TestApi.Reply echo(int status) {
        return (exchange, request) -> json(status, "{\"headers\":\"" + request.headers().entrySet() + "\",\"query\":\"" + request.rawQuery()
                + "\",\"body\":" + (request.body().isEmpty() ? "null" : "\"" + request.body().replace("\"", "'") + "\"") + "}")
                .send(exchange, request);
    }

    /** Runs {@code calls} on a connection with {@code auth}, keeping every message they cause. */
    private void collect(HttpFixtures.Settings s, HttpCall... calls) {
        try (var c = s.open()) {
            for (HttpCall call : calls) {
                try {
                    c.send(call);
                } catch (SluiceException e) {
                    said.add(said(e));
                }
            }
            said.add(c.stats().toString());
            said.add(c.toString());
            said.add(c.config().toString());
        }
    }

    private HttpFixtures.Settings with(Auth auth) {
        return settings(api.url("/v1")).auth(auth);
    }

    @Test
    void no_secret_appears_in_any_message_log_line_or_snapshot() {
        api.on("/v1/echo400", echo(400)).on("/v1/echo401", echo(401)).on("/v1/echo403", echo(403)).on("/v1/echo404", echo(404))
                .on("/v1/echo500", echo(500)).on("/v1/echo503", echo(503));
        var get400 = HttpCall.get("echo400", "source");
        try (var logs = HttpFixtures.logLines()) {
            collect(with(new Auth.Bearer(new Secret(BEARER))), get400, HttpCall.get("echo500", "source"));
            collect(with(new Auth.ApiKey(Auth.Place.QUERY, "api_key", new Secret(QUERY_KEY))), HttpCall.get("echo404?page=1", "source"),
                    HttpCall.get("echo503", "source"), new HttpCall("GET", "echo400", Map.of(), Map.of(), Optional.empty(), Set.of(400), "step 'e'"));
            collect(with(new Auth.Basic("reader", new Secret(BASIC_PASSWORD))), HttpCall.get("echo500", "source"), get400);

            api.on("/oauth/token", echo(400));
            var oauth = new Auth.OAuth2(api.url("/oauth/token"), "sluice", new Secret(CLIENT_SECRET), List.of("read"), Optional.empty(),
                    Auth.ClientAuth.BODY, Map.of());
            collect(with(oauth), get400);
            api.on("/oauth/token", ok("{\"access_token\":\"" + ACCESS_TOKEN + "\",\"expires_in\":3600}"));
            collect(with(oauth), HttpCall.get("echo401", "source"), get400, HttpCall.get("echo503", "source"));
            var basicClient = new Auth.OAuth2(api.url("/oauth/token"), "sluice", new Secret(CLIENT_SECRET), List.of(), Optional.empty(),
                    Auth.ClientAuth.BASIC, Map.of());
            api.on("/oauth/token", echo(401));
            collect(with(basicClient), get400);

            var login = new Auth.CookieLogin("POST", "/login", Optional.of(new Secret("{\"user\":\"reader\",\"password\":\"" + LOGIN_PASSWORD + "\"}")),
                    List.of(new Secret("reader"), new Secret(LOGIN_PASSWORD)));
            api.on("/v1/login", echo(401));
            collect(with(login), get400);
            api.on("/v1/login", json(200, "{}", "Set-Cookie", "sid=" + SESSION + "; HttpOnly"));
            collect(with(login), HttpCall.get("echo403", "source"), HttpCall.get("echo401", "source"), get400);

            collect(with(new Auth.StaticCookie("session", new Secret(STATIC_COOKIE))), get400, HttpCall.get("echo503", "source"));
            var headers = with(new Auth.None());
            headers.headers = Map.of("X-Api-Token", HEADER_TOKEN);
            collect(headers, get400, HttpCall.get("echo500", "source"));

            said.addAll(logs.lines());
        }

        assertThat(said).hasSizeGreaterThan(30);
        assertThat(api.requests().stream().map(TestApi.Request::toString).toList()).anyMatch(r -> r.contains(BEARER)); // the echo works
        for (String secret : List.of(BEARER, QUERY_KEY, URLEncoder.encode(QUERY_KEY, StandardCharsets.UTF_8), "query%20key%2B2222",
                BASIC_PASSWORD, base64("reader:" + BASIC_PASSWORD), CLIENT_SECRET, base64("sluice:" + CLIENT_SECRET), ACCESS_TOKEN,
                LOGIN_PASSWORD, SESSION, STATIC_COOKIE, HEADER_TOKEN))
            assertThat(said).as("messages with %s", secret).noneMatch(line -> line.contains(secret));
        assertThat(String.join("\n", said)).contains("***").contains("api_key=***");
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
