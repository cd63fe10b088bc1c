package dev.sluice.testkit.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TimeFilterTest {
    private static DemoApi api;
    private static Client client;

    @BeforeAll
    static void start() throws Exception {
        api = DemoApi.start(DemoApiOptions.defaults());
        client = new Client(api);
    }

    @AfterAll
    static void stop() {
        client.close();
        api.close();
    }

    @Test
    void since_is_inclusive_and_until_exclusive() {
        assertThat(ids("since=2025-01-01T00:10:00Z&until=2025-01-01T00:13:00Z")).containsExactly(11L, 12L, 13L);
    }

    @Test
    void inclusive_true_also_returns_the_record_at_until() {
        assertThat(ids("since=2025-01-01T00:10:00Z&until=2025-01-01T00:13:00Z&inclusive=true"))
                .containsExactly(11L, 12L, 13L, 14L);
    }

    @Test
    void epoch_seconds_are_accepted() {
        // 1735690200 is 2025-01-01T00:10:00Z
        assertThat(ids("since=1735690200&until=1735690320")).containsExactly(11L, 12L);
    }

    @Test
    void epoch_milliseconds_are_accepted() {
        assertThat(ids("since=1735690200000&until=1735690320000")).containsExactly(11L, 12L);
    }

    @Test
    void an_instant_with_an_offset_is_accepted() {
        assertThat(ids("since=2025-01-01T01:10:00%2B01:00&until=2025-01-01T01:12:00%2B01:00")).containsExactly(11L, 12L);
    }

    @Test
    void since_between_two_records_starts_at_the_next_one() {
        assertThat(ids("since=2025-01-01T00:10:00.5Z&until=2025-01-01T00:13:00Z")).containsExactly(12L, 13L);
    }

    @Test
    void missing_since_and_until_mean_unbounded() {
        var page = Client.json(client.get("/page/records?size=1"));

        assertThat(page.get("total").asLong()).isEqualTo(100_000);
    }

    @Test
    void a_bad_since_is_a_400_that_says_what_is_accepted() {
        var response = client.get("/page/records?since=yesterday");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Client.json(response).get("error").asString()).startsWith("since must be an ISO-8601 instant")
                .endsWith("got 'yesterday'");
    }

    @Test
    void an_eleven_digit_number_is_a_400() {
        assertThat(client.get("/page/records?until=17356902000").statusCode()).isEqualTo(400);
    }

    @Test
    void inclusive_must_be_true_or_false() {
        assertThat(client.get("/page/records?inclusive=yes").statusCode()).isEqualTo(400);
    }

    private static List<Long> ids(String filter) {
        var response = client.get("/offset/records?" + filter);
        assertThat(response.statusCode()).isEqualTo(200);
        return Client.ids(Client.json(response));
    }
}
