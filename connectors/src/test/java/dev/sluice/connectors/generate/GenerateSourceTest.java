package dev.sluice.connectors.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.PipelineId;
import dev.sluice.core.SluiceException;
import dev.sluice.core.spi.DataRecord;
import dev.sluice.core.spi.Page;
import dev.sluice.core.spi.SourceContext;
import dev.sluice.core.window.IdWindow;
import dev.sluice.core.window.SnapshotWindow;
import dev.sluice.core.window.TimeWindow;
import dev.sluice.core.window.Window;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GenerateSourceTest {
    static final SourceContext CONTEXT = new SourceContext() {
        @Override
        public PipelineId pipeline() {
            return new PipelineId("generate-test");
        }

        @Override
        public Clock clock() {
            return Clock.systemUTC();
        }
    };

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    @Test
    void a_time_window_has_one_record_per_multiple_of_every_with_start_included_and_end_excluded() {
        var source = source(config(Duration.ofMinutes(1), 1000, 3));

        List<DataRecord> records = readAll(source, new TimeWindow(at("2024-05-01T10:00:00Z"), at("2024-05-01T10:03:00Z")));

        assertThat(records).extracting(r -> r.data().get("ts").asString())
                .containsExactly("2024-05-01T10:00:00Z", "2024-05-01T10:01:00Z", "2024-05-01T10:02:00Z");
    }

    @Test
    void a_window_starting_between_multiples_begins_at_the_next_multiple() {
        var source = source(config(Duration.ofMinutes(1), 1000, 3));

        List<DataRecord> records = readAll(source, new TimeWindow(at("2024-05-01T10:00:00.000000001Z"), at("2024-05-01T10:02:00.5Z")));

        assertThat(records).extracting(r -> r.data().get("ts").asString())
                .containsExactly("2024-05-01T10:01:00Z", "2024-05-01T10:02:00Z");
    }

    @Test
    void a_window_before_1970_counts_back_from_the_epoch() {
        var source = source(config(Duration.ofSeconds(1), 1000, 0));

        List<DataRecord> records = readAll(source, new TimeWindow(at("1969-12-31T23:59:58.5Z"), at("1970-01-01T00:00:00Z")));

        assertThat(records).extracting(r -> r.data().get("id").asLong()).containsExactly(-1L);
    }

    @Test
    void a_window_without_a_multiple_of_every_is_one_empty_last_page() {
        var source = source(config(Duration.ofHours(1), 1000, 3));

        Page page = source.read(new TimeWindow(at("2024-05-01T10:00:01Z"), at("2024-05-01T10:59:59Z")), Optional.empty());

        assertThat(page.records()).isEmpty();
        assertThat(page.next()).isEmpty();
    }

    @Test
    void a_record_has_id_ts_and_payload_computed_from_its_number_alone() {
        var source = source(config(Duration.ofMinutes(1), 1000, 3));

        DataRecord record = readAll(source, new TimeWindow(at("1970-01-01T00:05:00Z"), at("1970-01-01T00:06:00Z"))).getFirst();

        assertThat(record.data().propertyNames()).containsExactly("id", "ts", "value", "name", "even");
        assertThat(record.data().get("id").asLong()).isEqualTo(5);
        assertThat(record.data().get("ts").asString()).isEqualTo("1970-01-01T00:05:00Z");
        assertThat(record.data().get("name").asString()).isEqualTo("item-5");
        assertThat(record.data().get("even").asBoolean()).isFalse();
        assertThat(record.data().get("value").asInt()).isBetween(0, 9999);
        assertThat(record.data()).isEqualTo(source.record(5).data());
    }

    @Test
    void fields_sets_how_many_payload_fields_follow_id_and_ts() {
        var none = source(config(Duration.ofMinutes(1), 1000, 0)).record(7);
        var five = source(config(Duration.ofMinutes(1), 1000, 5)).record(7);

        assertThat(none.data().propertyNames()).containsExactly("id", "ts");
        assertThat(five.data().propertyNames()).containsExactly("id", "ts", "value", "name", "even", "field_4", "field_5");
    }

    @Test
    void pages_hold_at_most_page_size_records_and_the_next_page_starts_at_next() {
        var source = source(config(Duration.ofMinutes(1), 4, 0));
        var window = new TimeWindow(at("1970-01-01T00:00:00Z"), at("1970-01-01T00:10:00Z"));

        Page first = source.read(window, Optional.empty());
        Page second = source.read(window, first.next());
        Page third = source.read(window, second.next());

        assertThat(ids(first.records())).containsExactly(0L, 1L, 2L, 3L);
        assertThat(first.next()).contains("4");
        assertThat(ids(second.records())).containsExactly(4L, 5L, 6L, 7L);
        assertThat(ids(third.records())).containsExactly(8L, 9L);
        assertThat(third.next()).isEmpty();
    }

    @Test
    void a_window_that_fills_its_last_page_exactly_ends_on_that_page() {
        var source = source(config(Duration.ofMinutes(1), 5, 0));

        Page page = source.read(new TimeWindow(at("1970-01-01T00:00:00Z"), at("1970-01-01T00:05:00Z")), Optional.empty());

        assertThat(page.records()).hasSize(5);
        assertThat(page.next()).isEmpty();
    }

    @Test
    void a_new_source_resumes_from_a_saved_position_without_gap_or_duplicate() {
        var config = config(Duration.ofSeconds(10), 3, 2);
        var window = new TimeWindow(at("2024-01-01T00:00:00Z"), at("2024-01-01T00:02:00Z"));
        List<DataRecord> expected = readAll(source(config), window);

        var first = source(config);
        Page page = first.read(window, Optional.empty());
        var got = new ArrayList<>(page.records());
        first.close();
        var second = source(config);
        while (page.next().isPresent()) {
            page = second.read(window, page.next());
            got.addAll(page.records());
        }

        assertThat(got).isEqualTo(expected).hasSize(12);
    }

    @Test
    void an_id_window_has_one_record_per_id_at_id_times_every() {
        var source = source(config(Duration.ofSeconds(1), 1000, 0));

        List<DataRecord> records = readAll(source, new IdWindow(100, 103));

        assertThat(ids(records)).containsExactly(100L, 101L, 102L);
        assertThat(records.getFirst().data().get("ts").asString()).isEqualTo("1970-01-01T00:01:40Z");
    }

    @Test
    void a_snapshot_has_count_records_numbered_from_zero() {
        var source = source(new GenerateSourceConfig(Duration.ofMinutes(1), Duration.ZERO, 4, 3, 10));

        List<DataRecord> records = readAll(source, new SnapshotWindow(at("2024-05-01T10:00:00Z")));

        assertThat(ids(records)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    }

    @Test
    void pause_per_record_pauses_once_before_each_record() {
        var pauses = new ArrayList<Duration>();
        var config = new GenerateSourceConfig(Duration.ofMinutes(1), Duration.ofMillis(25), 1000, 3, 10);
        var source = new GenerateSource(config, pauses::add);

        source.read(new IdWindow(0, 4), Optional.empty());

        assertThat(pauses).containsExactly(Duration.ofMillis(25), Duration.ofMillis(25), Duration.ofMillis(25), Duration.ofMillis(25));
    }

    @Test
    void pause_per_record_really_sleeps() {
        var config = new GenerateSourceConfig(Duration.ofMinutes(1), Duration.ofMillis(20), 1000, 3, 10);
        long began = System.nanoTime();

        new GenerateSource(config).read(new IdWindow(0, 3), Optional.empty());

        assertThat(Duration.ofNanos(System.nanoTime() - began)).isGreaterThanOrEqualTo(Duration.ofMillis(60));
    }

    @Test
    void an_interrupted_pause_fails_the_read_with_run_interrupted_and_keeps_the_interrupt() {
        var config = new GenerateSourceConfig(Duration.ofMinutes(1), Duration.ofSeconds(30), 1000, 3, 10);
        var source = new GenerateSource(config);
        Thread.currentThread().interrupt();

        assertThatThrownBy(() -> source.read(new IdWindow(0, 3), Optional.empty()))
                .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RUN_INTERRUPTED));
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
    }

    @Test
    void a_position_outside_the_window_is_refused() {
        var source = source(config(Duration.ofMinutes(1), 10, 3));

        assertThatThrownBy(() -> source.read(new IdWindow(0, 5), Optional.of("9")))
                .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.getMessage()).contains("outside the window"));
    }

    @Test
    void a_position_that_is_not_a_number_is_refused() {
        var source = source(config(Duration.ofMinutes(1), 10, 3));

        assertThatThrownBy(() -> source.read(new IdWindow(0, 5), Optional.of("abc")))
                .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.getMessage()).contains("not a record number"));
    }

    @Test
    void every_must_be_more_than_zero() {
        assertThatThrownBy(() -> config(Duration.ZERO, 10, 3)).hasMessageContaining("more than zero");
    }

    @Test
    void every_must_be_whole_milliseconds() {
        assertThatThrownBy(() -> config(Duration.ofNanos(1_500_000), 10, 3)).hasMessageContaining("whole milliseconds");
    }

    static GenerateSourceConfig config(Duration every, int pageSize, int fields) {
        return new GenerateSourceConfig(every, Duration.ZERO, pageSize, fields, 10);
    }

    static GenerateSource source(GenerateSourceConfig config) {
        var source = new GenerateSource(config);
        source.open(CONTEXT);
        return source;
    }

    static List<DataRecord> readAll(GenerateSource source, Window window) {
        var out = new ArrayList<DataRecord>();
        Optional<String> after = Optional.empty();
        do {
            Page page = source.read(window, after);
            out.addAll(page.records());
            after = page.next();
        } while (after.isPresent());
        return out;
    }

    static List<Long> ids(List<DataRecord> records) {
        return records.stream().map(r -> r.data().get("id").asLong()).toList();
    }

    private static Instant at(String text) {
        return Instant.parse(text);
    }
}
