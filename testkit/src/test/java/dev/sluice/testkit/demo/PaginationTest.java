package dev.sluice.testkit.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

class PaginationTest {
    private static final String SINCE = "2025-01-01T10:00:30Z";
    private static final String UNTIL = "2025-01-01T11:00:00Z";
    private static final String FILTER = "since=" + SINCE + "&until=" + UNTIL;
    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>; rel=\"next\"");
    private static DemoApi api;
    private static Client client;

    @BeforeAll
    static void start() throws Exception {
        api = DemoApi.start(DemoApiOptions.defaults().withMaxPageSize(50));
        client = new Client(api);
    }

    @AfterAll
    static void stop() {
        client.close();
        api.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/records", "/page/records", "/page/records?first=0", "/offset/records", "/cursor/records",
            "/link/records", "/link-header/records"})
    void every_style_returns_exactly_the_filtered_records_in_order(String style) {
        var expected = api.data().between(Instant.parse(SINCE), Instant.parse(UNTIL)).stream()
                .map(r -> r.get("id").asLong()).toList();

        assertThat(walk(style, 7)).containsExactlyElementsOf(expected).hasSize(59);
    }

    @Test
    void a_page_sends_each_record_exactly_as_demo_data_writes_it() {
        var body = client.get("/offset/records?limit=2").body();

        assertThat(body).startsWith("{\"items\":[" + api.data().json(1) + "," + api.data().json(2) + "]");
    }

    @Test
    void a_parsed_page_equals_the_records_of_demo_data() {
        var page = Client.json(client.get("/cursor/records?" + FILTER + "&limit=10"));

        assertThat(page.get("data")).containsExactlyElementsOf(
                api.data().between(Instant.parse(SINCE), Instant.parse(UNTIL)).subList(0, 10));
    }

    @Test
    void page_style_reports_the_totals() {
        var page = Client.json(client.get("/page/records?" + FILTER + "&size=7&page=2"));

        assertThat(page.get("page").asLong()).isEqualTo(2);
        assertThat(page.get("size").asLong()).isEqualTo(7);
        assertThat(page.get("total").asLong()).isEqualTo(59);
        assertThat(page.get("total_pages").asLong()).isEqualTo(9);
        assertThat(page.get("has_more").asBoolean()).isTrue();
    }

    @Test
    void a_page_past_the_end_is_empty() {
        var page = Client.json(client.get("/page/records?" + FILTER + "&size=7&page=100"));

        assertThat(Client.ids(page)).isEmpty();
        assertThat(page.get("has_more").asBoolean()).isFalse();
    }

    @Test
    void offset_style_reports_the_total() {
        var page = Client.json(client.get("/offset/records?" + FILTER + "&offset=56&limit=7"));

        assertThat(Client.ids(page)).hasSize(3);
        assertThat(page.get("total").asLong()).isEqualTo(59);
    }

    @Test
    void page_size_defaults_to_100_capped_at_max_page_size() {
        var page = Client.json(client.get("/offset/records"));

        assertThat(Client.ids(page)).hasSize(50);
        assertThat(page.get("limit").asLong()).isEqualTo(50);
    }

    @Test
    void a_size_of_zero_is_a_400() {
        var response = client.get("/page/records?size=0");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Client.json(response).get("error").asString()).isEqualTo("size must be a whole number >= 1, got '0'");
    }

    @Test
    void the_same_cursor_request_gives_the_same_next_cursor() {
        var first = Client.json(client.get("/cursor/records?" + FILTER + "&limit=5")).get("next_cursor").asString();
        var again = Client.json(client.get("/cursor/records?" + FILTER + "&limit=5")).get("next_cursor").asString();

        assertThat(again).isEqualTo(first);
        var second = Client.json(client.get("/cursor/records?cursor=" + first + "&limit=5")).get("next_cursor").asString();
        assertThat(Client.json(client.get("/cursor/records?cursor=" + first + "&limit=5")).get("next_cursor").asString())
                .isEqualTo(second);
    }

    @Test
    void the_cursor_carries_the_filter() {
        var cursor = Client.json(client.get("/cursor/records?" + FILTER + "&limit=9")).get("next_cursor").asString();

        var page = Client.json(client.get("/cursor/records?cursor=" + cursor + "&limit=50"));

        assertThat(Client.ids(page)).hasSize(50).startsWith(611L).endsWith(660L);
        assertThat(page.get("next_cursor").isNull()).isTrue();
    }

    @Test
    void a_cursor_that_was_not_given_out_is_a_400() {
        assertThat(client.get("/cursor/records?cursor=bm90LWEtY3Vyc29y").statusCode()).isEqualTo(400);
    }

    @Test
    void the_last_link_page_has_a_null_next() {
        var page = Client.json(client.get("/link/records?" + FILTER + "&limit=50&after=610"));

        assertThat(page.get("links").get("next").isNull()).isTrue();
    }

    @Test
    void the_last_link_header_page_has_no_link_header() {
        var response = client.get("/link-header/records?" + FILTER + "&limit=50&after=610");

        assertThat(response.headers().firstValue("Link")).isEmpty();
    }

    @Test
    void next_link_is_absolute_and_keeps_the_filter() {
        var next = Client.json(client.get("/link/records?" + FILTER + "&limit=5")).get("links").get("next").asString();

        assertThat(next).isEqualTo(api.baseUri() + "/link/records?" + FILTER + "&limit=5&after=606");
    }

    @Test
    void an_empty_range_gives_an_empty_last_page() {
        var page = Client.json(client.get("/cursor/records?since=" + UNTIL + "&until=" + SINCE));

        assertThat(Client.ids(page)).isEmpty();
        assertThat(page.get("next_cursor").isNull()).isTrue();
    }

    /** Follows a style from its first page to its last and returns the ids in the order received. */
    private static List<Long> walk(String style, int size) {
        String sep = style.contains("?") ? "&" : "?";
        String first = style + sep + FILTER + (style.contains("page") || style.equals("/records") ? "&size=" : "&limit=") + size;
        var ids = new ArrayList<Long>();
        Optional<String> next = Optional.of(first);
        long page = style.contains("first=0") ? 0 : 1;
        long offset = 0;
        while (next.isPresent() && ids.size() < 1000) {
            HttpResponse<String> response = client.get(next.get());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
            JsonNode body = Client.json(response);
            ids.addAll(Client.ids(body));
            next = switch (style.split("\\?")[0]) {
                case "/records", "/page/records" -> body.get("has_more").asBoolean()
                        ? Optional.of(first + "&page=" + ++page) : Optional.empty();
                case "/offset/records" -> (offset += size) < body.get("total").asLong()
                        ? Optional.of(first + "&offset=" + offset) : Optional.empty();
                case "/cursor/records" -> body.get("next_cursor").isNull()
                        ? Optional.empty() : Optional.of("/cursor/records?limit=" + size + "&cursor=" + body.get("next_cursor").asString());
                case "/link/records" -> Optional.ofNullable(body.get("links").get("next").asString(null));
                default -> response.headers().firstValue("Link").map(l -> {
                    var m = NEXT_LINK.matcher(l);
                    assertThat(m.matches()).isTrue();
                    return m.group(1);
                });
            };
        }
        return ids;
    }
}
