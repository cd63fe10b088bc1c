package dev.sluice.connectors.http;

import static dev.sluice.connectors.http.HttpFixtures.failure;
import static dev.sluice.connectors.http.HttpFixtures.settings;
import static dev.sluice.connectors.http.TestApi.json;
import static dev.sluice.connectors.http.TestApi.ok;
import static dev.sluice.connectors.http.TestApi.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.Secret;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class HttpAuthTest {
    private TestApi api;

    @BeforeEach
    void start() throws Exception {
        api = TestApi.start().on("/v1/data", ok("{}"));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private HttpConnection connection(Auth auth) {
        return settings(api.url("/v1")).auth(auth).open();
    }

    private static void call(HttpConnection c, int times) {
        for (int i = 0; i < times; i++)
            c.send(HttpCall.get("data", "source"));
    }

    private List<String> sent(String header) {
        return api.requests("/v1/data").stream().map(r -> r.header(header)).toList();
    }

    private OAuth2Settings oauth() {
        return new OAuth2Settings(api.url("/oauth/token"));
    }

    /** OAuth2 settings for the token endpoint of the test server. */
    private record OAuth2Settings(URI tokenUrl) {
        Auth.OAuth2 body() {
            return new Auth.OAuth2(tokenUrl, "sluice", new Secret("client-secret-7f3a"), List.of("read", "user_impersonation"),
                    Optional.of("https://api.example.com"), Auth.ClientAuth.BODY, Map.of("resource", "plant-9"));
        }

        Auth.OAuth2 basic() {
            return new Auth.OAuth2(tokenUrl, "sluice", new Secret("client-secret-7f3a"), List.of(), Optional.empty(), Auth.ClientAuth.BASIC, Map.of());
        }
    }

    private static String token(String value, int expiresIn) {
        return "{\"access_token\":\"" + value + "\",\"token_type\":\"Bearer\",\"expires_in\":" + expiresIn + "}";
    }

    private static Map<String, String> form(String body) {
        var out = new LinkedHashMap<String, String>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void sends_a_bearer_token() {
        try (var c = connection(new Auth.Bearer(new Secret("tok-123")))) {
            call(c, 1);
        }
        assertThat(sent("Authorization")).containsExactly("Bearer tok-123");
    }

    @Test
    void sends_an_api_key_in_a_header() {
        try (var c = connection(new Auth.ApiKey(Auth.Place.HEADER, "X-API-Key", new Secret("key-42")))) {
            call(c, 1);
        }
        assertThat(sent("X-API-Key")).containsExactly("key-42");
    }

    @Test
    void sends_an_api_key_in_the_query_after_the_call_parameters() {
        try (var c = connection(new Auth.ApiKey(Auth.Place.QUERY, "api_key", new Secret("key 42")))) {
            c.send(new HttpCall("GET", "data", Map.of("page", "1"), Map.of(), Optional.empty(), java.util.Set.of(), "source"));
        }
        assertThat(api.requests().getFirst().rawQuery()).isEqualTo("page=1&api_key=key%2042");
    }

    @Test
    void sends_basic_credentials() {
        try (var c = connection(new Auth.Basic("reader", new Secret("pa:ss")))) {
            call(c, 1);
        }
        assertThat(sent("Authorization")).containsExactly("Basic " + Base64.getEncoder().encodeToString("reader:pa:ss".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void sends_a_static_cookie() {
        try (var c = connection(new Auth.StaticCookie("session", new Secret("abc123")))) {
            call(c, 1);
        }
        assertThat(sent("Cookie")).containsExactly("session=abc123");
    }

    @Test
    void a_401_with_a_static_token_fails_at_once_with_auth_failed() {
        api.on("/v1/data", status(401));
        try (var c = connection(new Auth.Bearer(new Secret("tok-123")))) {
            var e = failure(() -> call(c, 1));

            assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_AUTH_FAILED);
            assertThat(e.getMessage()).contains("answered 401").contains("connections.api");
        }
        assertThat(api.requests("/v1/data")).hasSize(1);
    }

    @Test
    void a_403_fails_with_auth_failed_without_retry() {
        api.on("/v1/data", status(403));
        try (var c = connection(new Auth.Bearer(new Secret("tok-123")))) {
            assertThat(failure(() -> call(c, 1)).code()).isEqualTo(ErrorCode.SOURCE_AUTH_FAILED);
        }
        assertThat(api.requests("/v1/data")).hasSize(1);
    }

    private Auth.CookieLogin login() {
        var body = "{\"username\":\"reader\",\"password\":\"login-pw-9d2c\"}";
        return new Auth.CookieLogin("POST", "/login", Optional.of(new Secret(body)), List.of(new Secret("reader"), new Secret("login-pw-9d2c")));
    }

    @Test
    void logs_in_once_and_sends_the_cookies_the_login_set() {
        api.on("/v1/login", json(200, "{}", "Set-Cookie", "sid=s1; Path=/; HttpOnly", "Set-Cookie", "csrf=c1"));
        try (var c = connection(login())) {
            call(c, 3);

            assertThat(c.stats().logins()).isEqualTo(1);
        }
        var logins = api.requests("/v1/login");
        assertThat(logins).hasSize(1);
        assertThat(logins.getFirst().method()).isEqualTo("POST");
        assertThat(JsonMapper.shared().readTree(logins.getFirst().body()).get("password").asString()).isEqualTo("login-pw-9d2c");
        assertThat(sent("Cookie")).containsExactly("sid=s1; csrf=c1", "sid=s1; csrf=c1", "sid=s1; csrf=c1");
    }

    @Test
    void logs_in_again_once_after_a_401_and_repeats_the_call() {
        api.on("/v1/login", json(200, "{}", "Set-Cookie", "sid=s1"), json(200, "{}", "Set-Cookie", "sid=s2"));
        api.on("/v1/data", status(401), ok("{}"));
        try (var c = connection(login())) {
            var answer = c.send(HttpCall.get("data", "source"));

            assertThat(answer.status()).isEqualTo(200);
            assertThat(c.stats().logins()).isEqualTo(2);
        }
        assertThat(sent("Cookie")).containsExactly("sid=s1", "sid=s2");
    }

    @Test
    void a_login_that_sets_no_cookie_fails_with_auth_failed() {
        api.on("/v1/login", ok("{}"));
        try (var c = connection(login())) {
            var e = failure(() -> call(c, 1));

            assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_AUTH_FAILED);
            assertThat(e.getMessage()).contains("set no cookie");
        }
        assertThat(api.requests("/v1/data")).isEmpty();
    }

    @Test
    void posts_the_client_credentials_grant_with_scopes_audience_and_extras() {
        api.on("/oauth/token", ok(token("t1", 3600)));
        try (var c = connection(oauth().body())) {
            call(c, 1);
        }
        var fetch = api.requests("/oauth/token").getFirst();
        assertThat(fetch.method()).isEqualTo("POST");
        assertThat(fetch.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
        assertThat(form(fetch.body())).containsExactly(
                Map.entry("grant_type", "client_credentials"), Map.entry("client_id", "sluice"), Map.entry("client_secret", "client-secret-7f3a"),
                Map.entry("scope", "read user_impersonation"), Map.entry("audience", "https://api.example.com"), Map.entry("resource", "plant-9"));
        assertThat(sent("Authorization")).containsExactly("Bearer t1");
    }

    @Test
    void sends_the_client_credentials_as_basic_auth_when_asked() {
        api.on("/oauth/token", ok(token("t1", 3600)));
        try (var c = connection(oauth().basic())) {
            call(c, 1);
        }
        var fetch = api.requests("/oauth/token").getFirst();
        assertThat(fetch.header("Authorization")).isEqualTo("Basic " + Base64.getEncoder().encodeToString("sluice:client-secret-7f3a".getBytes(StandardCharsets.UTF_8)));
        assertThat(form(fetch.body())).containsOnlyKeys("grant_type");
    }

    @Test
    void caches_the_token_across_calls() {
        api.on("/oauth/token", ok(token("t1", 3600)));
        try (var c = connection(oauth().body())) {
            call(c, 5);

            assertThat(c.stats().tokenFetches()).isEqualTo(1);
        }
        assertThat(sent("Authorization")).containsOnly("Bearer t1").hasSize(5);
    }

    @Test
    void fetches_a_new_token_when_the_old_one_expired() {
        api.on("/oauth/token", ok(token("t1", 0)), ok(token("t2", 0)), ok(token("t3", 0)));
        try (var c = connection(oauth().body())) {
            call(c, 3);
        }
        assertThat(sent("Authorization")).containsExactly("Bearer t1", "Bearer t2", "Bearer t3");
    }

    @Test
    void fetches_the_token_again_exactly_once_after_a_401() {
        api.on("/oauth/token", ok(token("t1", 3600)), ok(token("t2", 3600)));
        api.on("/v1/data", status(401), ok("{}"));
        try (var c = connection(oauth().body())) {
            call(c, 3);

            assertThat(c.stats().tokenFetches()).isEqualTo(2);
        }
        assertThat(sent("Authorization")).containsExactly("Bearer t1", "Bearer t2", "Bearer t2", "Bearer t2");
    }

    @Test
    void a_second_401_fails_with_auth_failed() {
        api.on("/oauth/token", ok(token("t1", 3600)), ok(token("t2", 3600)));
        api.on("/v1/data", status(401));
        try (var c = connection(oauth().body())) {
            var e = failure(() -> call(c, 1));

            assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_AUTH_FAILED);
            assertThat(e.getMessage()).contains("answered 401").contains("again after fetching new credentials");
            assertThat(c.stats().tokenFetches()).isEqualTo(2);
        }
        assertThat(api.requests("/v1/data")).hasSize(2);
    }

    @Test
    void a_token_endpoint_error_fails_with_auth_failed_and_the_status() {
        api.on("/oauth/token", json(401, "{\"error\":\"invalid_client\"}"));
        try (var c = connection(oauth().body())) {
            var e = failure(() -> call(c, 1));

            assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_AUTH_FAILED);
            assertThat(e.getMessage()).contains("token endpoint").contains("answered 401").contains("invalid_client").contains("client_secret");
        }
        assertThat(api.requests("/v1/data")).isEmpty();
    }

    @Test
    void concurrent_calls_wait_for_one_token_fetch() throws Exception {
        api.on("/oauth/token", (exchange, request) -> {
            try {
                Thread.sleep(100); // a slow token endpoint: the moment a stampede would happen
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ok(token("t1", 3600)).send(exchange, request);
        });
        try (var c = connection(oauth().body()); var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var calls = new ArrayList<Future<HttpAnswer>>();
            for (int i = 0; i < 20; i++)
                calls.add(pool.submit(() -> c.send(HttpCall.get("data", "source"))));
            for (var f : calls)
                assertThat(f.get().status()).isEqualTo(200);

            assertThat(c.stats().tokenFetches()).isEqualTo(1);
        }
        assertThat(api.requests("/oauth/token")).hasSize(1);
    }
}
