package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import dev.sluice.server.alert.AlertSettings;
import dev.sluice.server.alert.Alerter;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.SluiceException;
import dev.sluice.core.config.ConfigLoader;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bearer tokens: required for actions always, and for every request beyond loopback; compared in constant time. */
class AuthTest {
    private static final OpenApi SPEC = new OpenApi();

    @TempDir
    Path dir;

    private Served loopback() {
        Served.write(dir, "orders.yaml", ApiTest.ORDERS);
        return Served.manual(dir, "127.0.0.1", Clock.systemUTC(), Alerter.start(AlertSettings.none(), Clock.systemUTC()));
    }

    private static void unauthorized(HttpResponse<String> r, String code) {
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Bearer");
        assertThat(Served.json(r).get("error_code").asString()).isEqualTo(code);
        assertThat(SPEC.check("POST", "/api/v1/pipelines/{name}/run", 401, "application/json", Served.json(r))).isEmpty();
    }

    @Test
    void an_action_without_a_token_is_refused_on_loopback_too() {
        try (Served s = loopback()) {
            unauthorized(s.post("/api/v1/pipelines/orders/run", "", null), "TOKEN_REQUIRED");
        }
    }

    @Test
    void an_action_with_a_wrong_token_is_refused() {
        try (Served s = loopback()) {
            unauthorized(s.post("/api/v1/pipelines/orders/run", "", "test-token-0123456789abcdeX"), "TOKEN_INVALID");
        }
    }

    @Test
    void an_action_with_the_right_token_is_accepted() {
        try (Served s = loopback()) {
            assertThat(s.post("/api/v1/pipelines/orders/run", "", Served.TOKEN).statusCode()).isEqualTo(202);
        }
    }

    @Test
    void reading_on_loopback_needs_no_token() {
        try (Served s = loopback()) {
            assertThat(s.get("/api/v1/pipelines", null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void beyond_loopback_every_request_needs_the_token() {
        Served.write(dir, "orders.yaml", ApiTest.ORDERS);
        try (Served s = Served.manual(dir, "0.0.0.0", Clock.systemUTC(), Alerter.start(AlertSettings.none(), Clock.systemUTC()))) {
            assertThat(s.get("/api/v1/pipelines", null).statusCode()).isEqualTo(401);
            assertThat(s.get("/api/v1/health", "not-the-token-at-all-000").statusCode()).isEqualTo(401);
            assertThat(s.get("/metrics", null).statusCode()).isEqualTo(401);
            assertThat(s.get("/api/v1/pipelines", Served.TOKEN).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void beyond_loopback_the_dashboard_page_itself_loads_without_a_token_because_it_holds_no_data() {
        Served.write(dir, "orders.yaml", ApiTest.ORDERS);
        try (Served s = Served.manual(dir, "0.0.0.0", Clock.systemUTC(), Alerter.start(AlertSettings.none(), Clock.systemUTC()))) {
            assertThat(s.get("/", null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void a_service_refuses_to_listen_beyond_loopback_without_any_token() {
        var settings = ServeSettings.defaults().withListen("0.0.0.0", 0);
        var service = new Service(settings, dir, ConfigLoader.standard(), Clock.systemUTC(), Alerter.start(AlertSettings.none(), Clock.systemUTC()));
        try {
            assertThatThrownBy(() -> new Api(service, new Tokens(List.of()))).isInstanceOf(SluiceException.class)
                    .hasMessageContaining("without a token").hasMessageContaining(Tokens.ENVIRONMENT);
        } finally {
            service.close();
        }
    }

    @Test
    void a_token_is_accepted_only_when_it_matches_one_exactly() {
        var tokens = new Tokens(List.of(new dev.sluice.core.Secret("first-token-0123456789"), new dev.sluice.core.Secret("second-token-0123456789")));
        assertThat(tokens.accepts("second-token-0123456789")).isTrue();
        assertThat(tokens.accepts("second-token-012345678")).isFalse();
        assertThat(tokens.accepts("second-token-01234567890")).isFalse();
        assertThat(tokens.accepts("")).isFalse();
    }

    @Test
    void the_bearer_token_is_read_from_the_authorization_header_whatever_the_scheme_case() {
        assertThat(Tokens.bearer("Bearer abc")).contains("abc");
        assertThat(Tokens.bearer("bearer   abc ")).contains("abc");
        assertThat(Tokens.bearer("Basic abc")).isEmpty();
        assertThat(Tokens.bearer(null)).isEmpty();
    }

    @Test
    void a_short_token_in_the_environment_is_refused_with_advice() {
        var problems = new java.util.ArrayList<String>();
        Tokens.fromEnvironment("short, long-enough-token-0123456789", problems::add);
        assertThat(problems).singleElement().asString().contains("shorter than 16").contains("openssl rand");
    }
}
