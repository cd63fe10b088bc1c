package dev.sluice.connectors.http;

import static dev.sluice.connectors.http.HttpFixtures.failure;
import static dev.sluice.connectors.http.HttpFixtures.settings;
import static dev.sluice.connectors.http.TestApi.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.ErrorCode;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class HttpConnectionRequestTest {
    private TestApi api;

    @BeforeEach
    void start() throws Exception {
        api = TestApi.start();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void puts_a_relative_path_under_the_base_path_and_encodes_the_query_in_order() {
        api.on("/api/v1/orders", ok("[]"));
        var query = new LinkedHashMap<String, String>();
        query.put("from", "2024-05-01T10:00:00+02:00");
        query.put("q", "a b&c=d");
        query.put("lot nr", "ü");
        try (var c = settings(api.url("/api/v1")).open()) {
            var answer = c.send(new HttpCall("GET", "orders", query, Map.of(), Optional.empty(), Set.of(), "source"));

            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.text()).isEqualTo("[]");
        }
        var seen = api.requests().getFirst();
        assertThat(seen.path()).isEqualTo("/api/v1/orders");
        assertThat(seen.rawQuery()).isEqualTo("from=2024-05-01T10%3A00%3A00%2B02%3A00&q=a%20b%26c%3Dd&lot%20nr=%C3%BC");
    }

    @Test
    void keeps_the_base_path_for_a_path_with_a_leading_slash() {
        var c = settings(URI.create("https://api.example.com/v1/")).open();

        assertThat(c.resolve("/orders")).isEqualTo(URI.create("https://api.example.com/v1/orders"));
        assertThat(c.resolve("orders?page=2")).isEqualTo(URI.create("https://api.example.com/v1/orders?page=2"));
        c.close();
    }

    @Test
    void keeps_an_absolute_url_as_it_is() {
        var c = settings(URI.create("https://api.example.com/v1")).open();

        assertThat(c.resolve("https://cdn.example.com/files/1?sig=abc")).isEqualTo(URI.create("https://cdn.example.com/files/1?sig=abc"));
        c.close();
    }

    @Test
    void percent_encodes_what_a_url_cannot_hold_in_a_rendered_path() {
        var c = settings(URI.create("https://api.example.com/v1")).open();

        assertThat(c.resolve("lots/A 1/Größe?filter[size]=10&x=100%")).hasToString(
                "https://api.example.com/v1/lots/A%201/Gr%C3%B6%C3%9Fe?filter%5Bsize%5D=10&x=100%25");
        c.close();
    }

    @Test
    void appends_the_query_to_one_already_in_the_path() {
        api.on("/v1/orders", ok("[]"));
        try (var c = settings(api.url("/v1")).open()) {
            c.send(new HttpCall("GET", "orders?sort=id", Map.of("page", "2"), Map.of(), Optional.empty(), Set.of(), "source"));
        }
        assertThat(api.requests().getFirst().rawQuery()).isEqualTo("sort=id&page=2");
    }

    @Test
    void sends_the_connection_headers_and_lets_a_call_replace_one() {
        api.on("/x", ok("{}"));
        var s = settings(api.url("/"));
        s.headers = Map.of("Accept", "application/json", "X-Source", "sluice");
        try (var c = s.open()) {
            c.send(new HttpCall("GET", "x", Map.of(), Map.of("X-Source", "step"), Optional.empty(), Set.of(), "source"));
        }
        var seen = api.requests().getFirst();
        assertThat(seen.header("Accept")).isEqualTo("application/json");
        assertThat(seen.headers().get("X-Source")).containsExactly("step");
    }

    @Test
    void sends_a_json_body_as_application_json() {
        api.on("/search", ok("{}"));
        var body = JsonMapper.shared().readTree("{\"lot\":\"A-1\",\"ids\":[1,2]}");
        try (var c = settings(api.url("/")).open()) {
            c.send(new HttpCall("POST", "search", Map.of(), Map.of(), Optional.of(body), Set.of(), "source"));
        }
        var seen = api.requests().getFirst();
        assertThat(seen.method()).isEqualTo("POST");
        assertThat(seen.header("Content-Type")).isEqualTo("application/json");
        assertThat(JsonMapper.shared().readTree(seen.body())).isEqualTo(body);
    }

    @Test
    void may_follow_its_own_origin_and_the_allowed_ones_only() {
        var s = settings(URI.create("https://api.example.com/v1"));
        s.origins = List.of(URI.create("https://cdn.example.com"));
        var c = s.open();

        assertThat(c.mayFollow(URI.create("https://api.example.com:443/v2/other"))).isTrue();
        assertThat(c.mayFollow(URI.create("https://CDN.example.com/file"))).isTrue();
        assertThat(c.mayFollow(URI.create("http://api.example.com/v1"))).isFalse();
        assertThat(c.mayFollow(URI.create("https://api.example.com:8443/v1"))).isFalse();
        assertThat(c.mayFollow(URI.create("https://evil.example.net/v1"))).isFalse();
        c.close();
    }

    @Test
    void refuses_to_send_to_an_origin_it_may_not_follow() throws Exception {
        try (var other = TestApi.start(); var c = settings(api.url("/")).open()) {
            other.on("/steal", ok("{}"));

            var e = failure(() -> c.send(HttpCall.get(other.url("/steal").toString(), "source")));

            assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_REJECTED);
            assertThat(e.getMessage()).contains("allow_origins");
            assertThat(other.requests()).isEmpty();
        }
    }

    @Test
    void refuses_to_send_before_it_is_opened() {
        var c = new HttpConnection("api", settings(api.url("/")).config());

        assertThatThrownBy(() -> c.send(HttpCall.get("x", "source"))).isInstanceOf(IllegalStateException.class).hasMessageContaining("open()");
    }

    @Test
    void stays_open_until_the_last_user_closes_it() {
        api.on("/x", ok("{}"));
        var c = new HttpConnection("api", settings(api.url("/")).config());
        c.open();
        c.open();
        c.close();

        assertThat(c.send(HttpCall.get("x", "step 'details'")).status()).isEqualTo(200);
        c.close();
        assertThatThrownBy(() -> c.send(HttpCall.get("x", "source"))).isInstanceOf(IllegalStateException.class);
    }
}
