package dev.sluice.connectors.http;

import static dev.sluice.connectors.http.PipelineFixture.ids;
import static dev.sluice.connectors.http.PipelineFixture.load;
import static dev.sluice.connectors.http.PipelineFixture.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import dev.sluice.core.spi.Page;
import dev.sluice.core.spi.Source;
import dev.sluice.core.window.IdWindow;
import dev.sluice.core.window.TimeWindow;
import dev.sluice.testkit.demo.DemoApi;
import dev.sluice.testkit.demo.DemoApiOptions;
import dev.sluice.testkit.demo.Fault;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/** The HTTP source against the demo API: every pagination style and stop condition, the window filter, and the guards. */
class HttpSourceTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    /** Five hours: 300 records, one a minute. */
    private static final TimeWindow WINDOW = new TimeWindow(T0.plusSeconds(3600), T0.plusSeconds(6 * 3600));

    @TempDir
    Path dir;
    DemoApi api;
    Source source;

    @BeforeEach
    void start() throws Exception {
        api = DemoApi.start(DemoApiOptions.defaults());
    }

    @AfterEach
    void stop() throws Exception {
        if (source != null)
            source.close();
        api.close();
    }

    private Source source(String sourceBody) throws Exception {
        return source(api.baseUri(), sourceBody);
    }

    private Source source(java.net.URI baseUrl, String sourceBody) throws Exception {
        String text = """
                connections:
                  demo:
                    base_url: %s
                    retry: {max_attempts: 3, initial_backoff: 5ms, max_backoff: 20ms}
                source:
                  type: http
                  connection: demo
                %s
                """.formatted(baseUrl, sourceBody.indent(2));
        source = load(dir, "{cursor: time, start: 2025-01-01T00:00:00Z, size: 1h}", text).source();
        source.open(PipelineFixture.SOURCE_CONTEXT);
        return source;
    }

    private List<Long> expected(TimeWindow w) {
        return api.data().between(w.start(), w.end()).stream().map(o -> o.get("id").asLong()).toList();
    }

    private static final String WINDOW_QUERY = "query: {since: \"{{ window.start }}\", until: \"{{ window.end }}\"}";

    @Test
    void page_numbers_from_one_read_every_record_of_the_window_once() throws Exception {
        var s = source("request: {path: /page/records, " + WINDOW_QUERY + "}\nrecords: $.data[*]\npagination: {type: page_number, size: 70}");

        assertThat(ids(readAll(s, WINDOW))).isEqualTo(expected(WINDOW)).hasSize(300);
    }

    @Test
    void page_numbers_from_zero_read_every_record_of_the_window_once() throws Exception {
        var s = source("request: {path: /page/records, query: {since: \"{{ window.start }}\", until: \"{{ window.end }}\", first: \"0\"}}\n"
                + "records: $.data[*]\npagination: {type: page_number, first: 0, size: 70}");

        assertThat(ids(readAll(s, WINDOW))).isEqualTo(expected(WINDOW));
    }

    @Test
    void offset_and_limit_read_every_record_of_the_window_once() throws Exception {
        var s = source("request: {path: /offset/records, " + WINDOW_QUERY + "}\nrecords: $.items[*]\npagination: {type: offset, size: 64}");

        assertThat(ids(readAll(s, WINDOW))).isEqualTo(expected(WINDOW));
    }

    @Test
    void a_cursor_from_the_body_reads_every_record_of_the_window_once() throws Exception {
        var s = source("request: {path: /cursor/records, " + WINDOW_QUERY + "}\nrecords: $.data[*]\n"
                + "pagination: {type: cursor, from: $.next_cursor, size: 50}");

        assertThat(ids(readAll(s, WINDOW))).isEqualTo(expected(WINDOW));
    }

    @Test
    void a_next_link_from_the_body_reads_every_record_of_the_window_once() throws Exception {
        var s = source("request: {path: /link/records, " + WINDOW_QUERY + "}\nrecords: $.data[*]\n"
                + "pagination: {type: next_link, from: $.links.next, size: 45}");

        assertThat(ids(readAll(s, WINDOW))).isEqualTo(expected(WINDOW));
    }

    @Test
    void a_next_link_in_the_link_header_reads_every_record_of_the_window_once() throws Exception {
        var s = source("request: {path: /link-header/records, " + WINDOW_QUERY + "}\npagination: {type: link_header, size: 45}");

        assertThat(ids(readAll(s, WINDOW))).isEqualTo(expected(WINDOW));
    }

    @Test
    void reaching_the_total_stops_without_asking_for_an_empty_page() throws Exception {
        var s = source("request: {path: /page/records, " + WINDOW_QUERY + "}\nrecords: $.data[*]\n"
                + "pagination: {type: page_number, size: 100, total: $.total, stop: [total]}");

        assertThat(readAll(s, WINDOW)).hasSize(300);
        assertThat(api.stats().requests("/page/records")).isEqualTo(3);
    }

    @Test
    void a_false_has_more_flag_stops_without_asking_for_an_empty_page() throws Exception {
        var s = source("request: {path: /page/records, " + WINDOW_QUERY + "}\nrecords: $.data[*]\n"
                + "pagination: {type: page_number, size: 100, has_more: $.has_more, stop: [has_more]}");

        assertThat(readAll(s, WINDOW)).hasSize(300);
        assertThat(api.stats().requests("/page/records")).isEqualTo(3);
    }

    @Test
    void an_empty_page_stops_page_number_pagination_by_default() throws Exception {
        var s = source("request: {path: /page/records, " + WINDOW_QUERY + "}\nrecords: $.data[*]\npagination: {type: page_number, size: 100}");

        assertThat(readAll(s, WINDOW)).hasSize(300);
        assertThat(api.stats().requests("/page/records")).isEqualTo(4);
    }

    @Test
    void a_cursor_seen_twice_in_a_window_fails_it_instead_of_looping() throws Exception {
        var s = source("request: {path: /cursor/records, " + WINDOW_QUERY + "}\nrecords: $.data[*]\n"
                + "pagination: {type: cursor, from: $.next_cursor, size: 50}");
        api.faults().add(Fault.repeatCursor().always());

        assertThatThrownBy(() -> readAll(s, WINDOW)).isInstanceOfSatisfying(SluiceException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_INVALID_DATA);
            assertThat(e.getMessage()).contains("same next page", "twice in window");
        });
    }

    @Test
    void a_next_link_to_another_origin_fails_the_window_without_following_it() throws Exception {
        try (var other = TestApi.start()) {
            other.on("/parts", TestApi.ok("{\"data\": [{\"n\": 1}], \"next\": \"http://127.0.0.2:9/parts?page=2\"}"));
            var s = source(other.url(""), "request: {path: /parts}\nrecords: $.data[*]\npagination: {type: next_link, from: $.next}");

            assertThatThrownBy(() -> readAll(s, WINDOW)).isInstanceOfSatisfying(SluiceException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_INVALID_DATA);
                assertThat(e.getMessage()).contains("another origin (http://127.0.0.2:9)", "connections.demo.allow_origins");
            });
            assertThat(other.requests()).hasSize(1);
        }
    }

    @Test
    void a_window_longer_than_max_pages_fails_with_what_to_change() throws Exception {
        var s = source("request: {path: /page/records, " + WINDOW_QUERY + "}\nrecords: $.data[*]\n"
                + "pagination: {type: page_number, size: 10, max_pages: 5}");

        assertThatThrownBy(() -> readAll(s, WINDOW)).isInstanceOfSatisfying(SluiceException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_INVALID_DATA);
            assertThat(e.getMessage()).contains("more than max_pages 5", "source.pagination.max_pages");
        });
    }

    @Test
    void inclusive_api_bounds_are_cut_to_the_half_open_window_by_a_named_field() throws Exception {
        var s = source("request: {path: /page/records, query: {since: \"{{ window.start }}\", until: \"{{ window.end }}\", inclusive: \"true\"}}\n"
                + "records: $.data[*]\npagination: {type: page_number, size: 100}\nkeep_in_window: {field: updated_at}");

        List<Long> read = ids(readAll(s, WINDOW));

        assertThat(read).isEqualTo(expected(WINDOW));
        assertThat(api.data().between(WINDOW.start(), WINDOW.end().plusSeconds(1))).hasSize(301); // the API did send one more
    }

    @Test
    void window_bounds_can_be_sent_as_epoch_seconds_or_milliseconds() throws Exception {
        var s = source("request: {path: /page/records, query: {since: \"{{ window.start | epoch }}\", until: \"{{ window.end | epoch_ms }}\"}}\n"
                + "records: $.data[*]\npagination: {type: page_number, size: 100}");

        assertThat(ids(readAll(s, WINDOW))).isEqualTo(expected(WINDOW));
    }

    @Test
    void an_id_window_fills_in_its_ids() throws Exception {
        var s = source("request: {path: \"/details/{{ window.start }}\"}\nrecords: $.data[*]");

        List<Long> read = ids(readAll(s, new IdWindow(5, 10)));

        assertThat(read).containsExactly(5L);
    }

    @Test
    void a_status_declared_empty_gives_an_empty_page_counted_as_an_empty_answer() throws Exception {
        var s = source("request: {path: /optional/7, empty_statuses: [400]}\nrecords: $.data[*]");

        Page page = s.read(WINDOW, Optional.empty());

        assertThat(page.records()).isEmpty();
        assertThat(page.next()).isEmpty();
        assertThat(page.emptyAnswers()).isEqualTo(1);
    }

    @Test
    void a_malformed_answer_fails_the_page_with_invalid_data() throws Exception {
        var s = source("request: {path: /page/records, " + WINDOW_QUERY + "}\nrecords: $.data[*]");
        api.faults().add(Fault.malformed());

        assertThatThrownBy(() -> s.read(WINDOW, Optional.empty())).isInstanceOfSatisfying(SluiceException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_INVALID_DATA);
            assertThat(e.getMessage()).contains("is not valid JSON");
        });
    }

    @Test
    void records_that_are_not_objects_are_refused_with_where_to_point_records() throws Exception {
        var s = source("request: {path: /page/records, " + WINDOW_QUERY + "}\nrecords: $.data[*].id");

        assertThatThrownBy(() -> s.read(WINDOW, Optional.empty())).isInstanceOfSatisfying(SluiceException.class,
                e -> assertThat(e.getMessage()).contains("not an object", "point records:"));
    }

    @Test
    void records_keep_every_field_the_api_sent() throws Exception {
        var s = source("request: {path: /page/records, " + WINDOW_QUERY + "}\nrecords: $.data[*]\npagination: {type: page_number, size: 100}");

        ObjectNode first = readAll(s, WINDOW).getFirst().data();

        assertThat(first).isEqualTo(api.data().between(WINDOW.start(), WINDOW.end()).getFirst());
    }
}
