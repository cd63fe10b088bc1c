package dev.sluice.testkit.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void counts_requests_per_path_with_ids_as_templates() throws Exception {
        try (var api = DemoApi.start(DemoApiOptions.defaults()); var client = new Client(api)) {
            client.get("/details/1");
            client.get("/details/2");
            client.get("/lots/LOT-0001");
            client.get("/cursor/records?limit=1");

            var stats = api.stats();

            assertThat(stats.requests()).isEqualTo(4);
            assertThat(stats.requestsByPath()).containsOnlyKeys("/details/{id}", "/lots/{lot}", "/cursor/records");
            assertThat(stats.requests("/details/{id}")).isEqualTo(2);
        }
    }

    @Test
    void counts_responses_per_status() throws Exception {
        try (var api = DemoApi.start(DemoApiOptions.defaults()); var client = new Client(api)) {
            client.get("/records?size=1");
            client.get("/optional/1");
            client.get("/optional/2");
            client.get("/missing");

            var stats = api.stats();

            assertThat(stats.responsesByStatus()).containsOnly(entry(200, 1L), entry(400, 2L), entry(404, 1L));
        }
    }

    @Test
    void counts_the_most_requests_in_flight_at_once() throws Exception {
        // Each answer waits 500ms, so four requests sent together are all in flight at once.
        try (var api = DemoApi.start(DemoApiOptions.defaults().withLatency(Duration.ofMillis(500)));
                var http = HttpClient.newHttpClient()) {
            var answers = new ArrayList<CompletableFuture<HttpResponse<Void>>>();
            for (int i = 0; i < 4; i++)
                answers.add(http.sendAsync(HttpRequest.newBuilder(api.baseUri().resolve("/records?size=1")).build(),
                        HttpResponse.BodyHandlers.discarding()));
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

            assertThat(api.stats().maxInFlight()).isEqualTo(4);
        }
    }

    @Test
    void a_snapshot_does_not_change_afterwards() throws Exception {
        try (var api = DemoApi.start(DemoApiOptions.defaults()); var client = new Client(api)) {
            var before = api.stats();

            client.get("/records?size=1");

            assertThat(before.requests()).isZero();
        }
    }
}
