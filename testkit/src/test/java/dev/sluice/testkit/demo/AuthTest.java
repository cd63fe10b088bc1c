package dev.sluice.testkit.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.TestClock;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AuthTest {
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String TOKEN_FORM = "grant_type=client_credentials&client_id=" + DemoApi.CLIENT_ID
            + "&client_secret=" + DemoApi.CLIENT_SECRET + "&scope=" + DemoApi.SCOPE;

    @ParameterizedTest
    @EnumSource(value = AuthMode.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void every_mode_refuses_a_request_without_credentials(AuthMode mode) throws Exception {
        try (var api = DemoApi.start(DemoApiOptions.defaults().withAuth(mode)); var client = new Client(api)) {
            var response = client.get("/records?size=1");

            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
            assertThat(Client.json(response).get("error").asString()).startsWith("this request needs");
        }
    }

    @ParameterizedTest
    @EnumSource(AuthMode.class)
    void every_mode_accepts_its_credentials(AuthMode mode) throws Exception {
        try (var api = DemoApi.start(DemoApiOptions.defaults().withAuth(mode)); var client = new Client(api)) {
            var response = switch (mode) {
                case NONE -> client.get("/records?size=1");
                case BEARER -> client.get("/records?size=1", "Authorization", "Bearer " + DemoApi.BEARER_TOKEN);
                case API_KEY_HEADER -> client.get("/records?size=1", "X-API-Key", DemoApi.API_KEY);
                case API_KEY_QUERY -> client.get("/records?size=1&api_key=" + DemoApi.API_KEY);
                case BASIC -> client.get("/records?size=1", "Authorization", basic(DemoApi.USERNAME, DemoApi.PASSWORD));
                case COOKIE -> client.get("/records?size=1", "Cookie", "theme=dark; " + login(client));
                case OAUTH2 -> client.get("/records?size=1", "Authorization", "Bearer " + token(client));
            };

            assertThat(response.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void a_wrong_bearer_token_is_refused_as_invalid() throws Exception {
        try (var api = DemoApi.start(DemoApiOptions.defaults().withAuth(AuthMode.BEARER)); var client = new Client(api)) {
            var response = client.get("/records", "Authorization", "Bearer wrong-token");

            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"demo-api\", error=\"invalid_token\"");
        }
    }

    @Test
    void a_refusal_never_echoes_the_credentials() throws Exception {
        try (var api = DemoApi.start(DemoApiOptions.defaults().withAuth(AuthMode.BASIC)); var client = new Client(api)) {
            var response = client.get("/records", "Authorization", basic(DemoApi.USERNAME, "guessed-secret"));

            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.body() + response.headers()).doesNotContain("guessed-secret");
        }
    }

    @Test
    void next_links_leave_out_the_api_key() throws Exception {
        try (var api = DemoApi.start(DemoApiOptions.defaults().withAuth(AuthMode.API_KEY_QUERY)); var client = new Client(api)) {
            var page = Client.json(client.get("/link/records?limit=2&api_key=" + DemoApi.API_KEY));

            assertThat(page.get("links").get("next").asString()).isEqualTo(api.baseUri() + "/link/records?limit=2&after=2");
        }
    }

    @Test
    void oauth2_accepts_the_client_as_http_basic() throws Exception {
        try (var api = DemoApi.start(DemoApiOptions.defaults().withAuth(AuthMode.OAUTH2)); var client = new Client(api)) {
            var response = client.post("/oauth/token", FORM, "grant_type=client_credentials&scope=" + DemoApi.SCOPE,
                    "Authorization", basic(DemoApi.CLIENT_ID, DemoApi.CLIENT_SECRET));

            assertThat(response.statusCode()).isEqualTo(200);
            var answer = Client.json(response);
            assertThat(answer.get("token_type").asString()).isEqualTo("Bearer");
            assertThat(answer.get("expires_in").asLong()).isEqualTo(3600);
        }
    }

    @Test
    void oauth2_requires_the_scope() throws Exception {
        try (var api = DemoApi.start(DemoApiOptions.defaults().withAuth(AuthMode.OAUTH2)); var client = new Client(api)) {
            var response = client.post("/oauth/token", FORM, TOKEN_FORM.replace(DemoApi.SCOPE, "read"));

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(Client.json(response).get("error").asString()).isEqualTo("invalid_scope");
        }
    }

    @Test
    void oauth2_refuses_a_wrong_client_secret() throws Exception {
        try (var api = DemoApi.start(DemoApiOptions.defaults().withAuth(AuthMode.OAUTH2)); var client = new Client(api)) {
            var response = client.post("/oauth/token", FORM, TOKEN_FORM.replace(DemoApi.CLIENT_SECRET, "wrong"));

            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(Client.json(response).get("error").asString()).isEqualTo("invalid_client");
        }
    }

    @Test
    void oauth2_requires_the_configured_audience() throws Exception {
        var options = DemoApiOptions.defaults().withAuth(AuthMode.OAUTH2).withAudience("https://demo.example/api");
        try (var api = DemoApi.start(options); var client = new Client(api)) {
            assertThat(client.post("/oauth/token", FORM, TOKEN_FORM).statusCode()).isEqualTo(400);
            assertThat(client.post("/oauth/token", FORM, TOKEN_FORM + "&audience=https%3A%2F%2Fdemo.example%2Fapi").statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void oauth2_refuses_the_static_bearer_token() throws Exception {
        try (var api = DemoApi.start(DemoApiOptions.defaults().withAuth(AuthMode.OAUTH2)); var client = new Client(api)) {
            var response = client.get("/records", "Authorization", "Bearer " + DemoApi.BEARER_TOKEN);

            assertThat(response.statusCode()).isEqualTo(401);
        }
    }

    @Test
    void expire_tokens_makes_issued_tokens_401() throws Exception {
        try (var api = DemoApi.start(DemoApiOptions.defaults().withAuth(AuthMode.OAUTH2)); var client = new Client(api)) {
            String token = token(client);

            api.expireTokens();

            assertThat(client.get("/records", "Authorization", "Bearer " + token).statusCode()).isEqualTo(401);
            assertThat(client.get("/records", "Authorization", "Bearer " + token(client)).statusCode()).isEqualTo(200);
            assertThat(api.stats().tokensIssued()).isEqualTo(2);
        }
    }

    @Test
    void expire_tokens_ends_sessions() throws Exception {
        try (var api = DemoApi.start(DemoApiOptions.defaults().withAuth(AuthMode.COOKIE)); var client = new Client(api)) {
            String cookie = login(client);

            api.expireTokens();

            assertThat(client.get("/records", "Cookie", cookie).statusCode()).isEqualTo(401);
        }
    }

    @Test
    void a_token_is_refused_once_its_lifetime_is_over() throws Exception {
        var clock = new TestClock(Instant.parse("2026-03-01T00:00:00Z"));
        var options = DemoApiOptions.defaults().withAuth(AuthMode.OAUTH2).withTokenLifetime(Duration.ofMinutes(5)).withClock(clock);
        try (var api = DemoApi.start(options); var client = new Client(api)) {
            String token = token(client);
            clock.advance(Duration.ofMinutes(5));

            assertThat(client.get("/records", "Authorization", "Bearer " + token).statusCode()).isEqualTo(401);
        }
    }

    @Test
    void login_with_a_wrong_password_is_401() throws Exception {
        try (var api = DemoApi.start(DemoApiOptions.defaults().withAuth(AuthMode.COOKIE)); var client = new Client(api)) {
            var response = client.post("/login", "application/json", "{\"username\": \"demo\", \"password\": \"nope\"}");

            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("Set-Cookie")).isEmpty();
        }
    }

    @Test
    void login_sets_an_http_only_session_cookie_for_the_whole_site() throws Exception {
        try (var api = DemoApi.start(DemoApiOptions.defaults().withAuth(AuthMode.COOKIE)); var client = new Client(api)) {
            var response = client.post("/login", "application/json", credentials());

            assertThat(response.headers().firstValue("Set-Cookie").orElseThrow()).matches("session=[\\w-]+; Path=/; HttpOnly");
            assertThat(api.stats().sessionsIssued()).isEqualTo(1);
        }
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String token(Client client) {
        HttpResponse<String> response = client.post("/oauth/token", FORM, TOKEN_FORM);
        assertThat(response.statusCode()).isEqualTo(200);
        return Client.json(response).get("access_token").asString();
    }

    /** Logs in and answers the cookie to send back, {@code session=...}. */
    private static String login(Client client) {
        HttpResponse<String> response = client.post("/login", "application/json", credentials());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    }

    private static String credentials() {
        return "{\"username\": \"" + DemoApi.USERNAME + "\", \"password\": \"" + DemoApi.PASSWORD + "\"}";
    }
}
