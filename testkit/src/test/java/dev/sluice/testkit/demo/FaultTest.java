package dev.sluice.testkit.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testkit.TestClock;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

class FaultTest {
    private final TestClock clock = new TestClock(Instant.parse("2026-10-21T07:27:58.500Z"));
    private DemoApi api;
    private Client client;

    @BeforeEach
    void start() throws Exception {
        api = DemoApi.start(DemoApiOptions.defaults().withClock(clock));
        client = new Client(api);
    }

    @AfterEach
    void stop() {
        client.close();
        api.close();
    }

    @Test
    void a_status_fault_answers_its_status_with_a_json_error() {
        api.faults().add(Fault.status(503));

        var response = client.get("/records");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(Client.json(response).get("error").asString()).isEqualTo("injected fault: 503");
    }

    @Test
    void a_fault_fires_once_by_default() {
        api.faults().add(Fault.status(500));

        assertThat(statuses("/records?size=1", 3)).containsExactly(500, 200, 200);
    }

    @Test
    void a_fault_for_two_times_fires_twice_then_stops() {
        api.faults().add(Fault.status(502).times(2));

        assertThat(statuses("/records?size=1", 4)).containsExactly(502, 502, 200, 200);
        assertThat(api.faults().fired(0)).isEqualTo(2);
    }

    @Test
    void an_always_fault_fires_on_every_request() {
        api.faults().add(Fault.status(500).always());

        assertThat(statuses("/records?size=1", 5)).containsOnly(500);
    }

    @Test
    void an_every_nth_fault_fires_on_every_nth_matching_request() {
        api.faults().add(Fault.status(503).everyNth(3));

        assertThat(statuses("/records?size=1", 6)).containsExactly(200, 200, 503, 200, 200, 503);
    }

    @Test
    void a_fault_with_a_path_prefix_leaves_other_paths_alone() {
        api.faults().add(Fault.status(500).always().at("/cursor"));

        assertThat(client.get("/page/records?size=1").statusCode()).isEqualTo(200);
        assertThat(client.get("/cursor/records?limit=1").statusCode()).isEqualTo(500);
    }

    @Test
    void faults_fire_in_the_order_they_were_added() {
        api.faults().add(Fault.status(500)).add(Fault.status(503));

        assertThat(statuses("/records?size=1", 3)).containsExactly(500, 503, 200);
    }

    @Test
    void a_fault_without_a_prefix_leaves_the_token_endpoint_alone() throws Exception {
        try (var oauth = DemoApi.start(DemoApiOptions.defaults().withAuth(AuthMode.OAUTH2)); var c = new Client(oauth)) {
            oauth.faults().add(Fault.status(500).always());

            var response = c.post("/oauth/token", "application/x-www-form-urlencoded", "grant_type=client_credentials&client_id="
                    + DemoApi.CLIENT_ID + "&client_secret=" + DemoApi.CLIENT_SECRET + "&scope=" + DemoApi.SCOPE);

            assertThat(response.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void a_fault_with_its_prefix_reaches_the_token_endpoint() {
        api.faults().add(Fault.status(503).at("/oauth/token"));

        assertThat(client.post("/oauth/token", "application/x-www-form-urlencoded", "").statusCode()).isEqualTo(503);
    }

    @Test
    void a_latency_fault_delays_the_answer() {
        api.faults().add(Fault.latency(Duration.ofMillis(300)));
        long start = System.nanoTime();

        var response = client.get("/records?size=1");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void too_many_requests_announces_the_wait_in_seconds() {
        api.faults().add(Fault.tooManyRequests(Duration.ofSeconds(2)));

        var response = client.get("/records?size=1");

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).contains("2");
        assertThat(api.stats().tooManyRequests()).isEqualTo(1);
    }

    @Test
    void too_many_requests_with_a_date_announces_an_http_date_rounded_up_to_the_second() {
        api.faults().add(Fault.tooManyRequestsWithDate(Duration.ofSeconds(1)));

        var retryAfter = client.get("/records?size=1").headers().firstValue("Retry-After").orElseThrow();

        assertThat(retryAfter).isEqualTo("Wed, 21 Oct 2026 07:28:00 GMT");
        assertThat(ZonedDateTime.parse(retryAfter, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant())
                .isEqualTo(Instant.parse("2026-10-21T07:28:00Z"));
    }

    @Test
    void reset_twice_gives_the_client_an_io_exception() {
        api.faults().add(Fault.reset().times(2));

        assertThatThrownBy(() -> client.tryGet("/records?size=1")).isInstanceOf(IOException.class);
    }

    @Test
    void a_single_reset_is_sent_again_by_the_jdk_client_unnoticed() {
        api.faults().add(Fault.reset());

        assertThat(client.get("/records?size=1").statusCode()).isEqualTo(200);
        assertThat(api.stats().requests("/records")).isEqualTo(2);
    }

    @Test
    void a_single_reset_of_a_post_gives_the_client_an_io_exception() {
        api.faults().add(Fault.reset().at("/login"));

        assertThatThrownBy(() -> client.tryPost("/login", "application/json", "{}")).isInstanceOf(IOException.class);
    }

    @Test
    void truncated_gives_the_client_an_io_exception() {
        api.faults().add(Fault.truncated());

        assertThatThrownBy(() -> client.tryGet("/records?size=10")).isInstanceOf(IOException.class);
    }

    @Test
    void malformed_answers_200_with_a_body_that_is_not_json() {
        api.faults().add(Fault.malformed());

        var response = client.get("/records?size=2");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> JsonMapper.shared().readTree(response.body())).isInstanceOf(JacksonException.class);
    }

    @Test
    void slow_body_sends_the_whole_body_in_ten_paced_chunks() {
        String normal = client.get("/records?size=3").body();
        api.faults().add(Fault.slowBody(Duration.ofMillis(50)));
        long start = System.nanoTime();

        var response = client.get("/records?size=3");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
        assertThat(response.body()).isEqualTo(normal);
    }

    @Test
    void repeat_cursor_answers_the_requested_cursor_as_the_next_one() {
        String cursor = Client.json(client.get("/cursor/records?limit=2")).get("next_cursor").asString();
        api.faults().add(Fault.repeatCursor());

        var page = Client.json(client.get("/cursor/records?limit=2&cursor=" + cursor));

        assertThat(page.get("next_cursor").asString()).isEqualTo(cursor);
        assertThat(Client.ids(page)).containsExactly(3L, 4L);
    }

    @Test
    void repeat_cursor_on_a_first_page_points_back_at_the_first_page() {
        api.faults().add(Fault.repeatCursor());

        String next = Client.json(client.get("/cursor/records?limit=2")).get("next_cursor").asString();

        assertThat(Client.ids(Client.json(client.get("/cursor/records?limit=2&cursor=" + next)))).containsExactly(1L, 2L);
    }

    @Test
    void repeat_cursor_on_the_link_header_style_links_to_the_request_itself() {
        api.faults().add(Fault.repeatCursor());

        var response = client.get("/link-header/records?limit=2&after=4");

        assertThat(response.headers().firstValue("Link"))
                .contains("<" + api.baseUri() + "/link-header/records?limit=2&after=4>; rel=\"next\"");
    }

    @Test
    void repeat_cursor_waits_for_a_cursor_style_request() {
        api.faults().add(Fault.repeatCursor());

        client.get("/page/records?size=2");

        assertThat(api.faults().fired(0)).isZero();
    }

    @Test
    void a_cleared_plan_fires_nothing() {
        api.faults().add(Fault.status(500).always());

        api.faults().clear();

        assertThat(client.get("/records?size=1").statusCode()).isEqualTo(200);
    }

    private List<Integer> statuses(String path, int requests) {
        var statuses = new ArrayList<Integer>();
        for (int i = 0; i < requests; i++)
            statuses.add(client.get(path).statusCode());
        return statuses;
    }
}
