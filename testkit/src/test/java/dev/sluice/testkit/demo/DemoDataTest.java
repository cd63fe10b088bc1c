package dev.sluice.testkit.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class DemoDataTest {
    private final DemoData data = DemoData.of(DemoApiOptions.defaults());

    @Test
    void the_same_seed_gives_byte_identical_records() {
        var again = DemoData.of(DemoApiOptions.defaults());

        for (long id = 1; id <= 500; id++)
            assertThat(json(again, id)).isEqualTo(json(data, id));
    }

    @Test
    void another_seed_gives_other_records() {
        var other = DemoData.of(DemoApiOptions.defaults().withSeed(2));

        assertThat(json(other, 1)).isNotEqualTo(json(data, 1));
    }

    @Test
    void record_i_is_updated_at_start_plus_i_spacings() {
        var record = data.record(61);

        assertThat(record.get("id").asLong()).isEqualTo(61);
        assertThat(record.get("updated_at").asString()).isEqualTo("2025-01-01T01:00:00Z");
        assertThat(record.get("name").asString()).isEqualTo("item-61");
        assertThat(record.get("lot").asString()).isEqualTo("LOT-0061");
    }

    @Test
    void record_is_the_json_as_a_default_mapper_reads_it() {
        assertThat(data.record(5)).isEqualTo(JsonMapper.shared().readTree(data.json(5)));
    }

    @Test
    void a_record_has_its_fields_in_a_fixed_order() {
        assertThat(data.record(1).propertyNames())
                .containsExactly("id", "updated_at", "name", "category", "amount", "lot", "note");
    }

    @Test
    void lot_is_the_id_modulo_97() {
        assertThat(data.record(97 + 5).get("lot").asString()).isEqualTo("LOT-0005");
    }

    @Test
    void category_is_one_of_five_words_and_all_five_occur() {
        var categories = LongStream.rangeClosed(1, 200).mapToObj(id -> data.record(id).get("category").asString()).distinct();

        assertThat(categories).containsExactlyInAnyOrderElementsOf(DemoData.CATEGORIES);
    }

    @Test
    void amount_is_a_json_number_with_two_decimal_places() {
        for (long id = 1; id <= 200; id++) {
            String text = json(data, id);
            assertThat(text).containsPattern("\"amount\":\\d+\\.\\d{2},");
        }
    }

    @Test
    void every_record_is_300_to_500_bytes_of_json() {
        for (long id = 1; id <= 2000; id++)
            assertThat(json(data, id).getBytes(StandardCharsets.UTF_8).length).isBetween(300, 500);
    }

    @Test
    void note_is_printable_ascii() {
        assertThat(data.record(42).get("note").asString()).matches("[ -~]+");
    }

    @Test
    void between_is_half_open() {
        var records = data.between(Instant.parse("2025-01-01T00:10:00Z"), Instant.parse("2025-01-01T00:15:00Z"));

        assertThat(records).extracting(r -> r.get("id").asLong()).containsExactly(11L, 12L, 13L, 14L, 15L);
    }

    @Test
    void between_starts_at_the_first_record_at_or_after_from() {
        var records = data.between(Instant.parse("2025-01-01T00:10:00.001Z"), Instant.parse("2025-01-01T00:12:00Z"));

        assertThat(records).extracting(r -> r.get("id").asLong()).containsExactly(12L);
    }

    @Test
    void between_clips_to_the_data_set() {
        var all = data.between(Instant.parse("2000-01-01T00:00:00Z"), Instant.parse("2100-01-01T00:00:00Z"));

        assertThat(all).hasSize(100_000);
        assertThat(data.recordsBetweenCount(Instant.parse("2000-01-01T00:00:00Z"), Instant.parse("2001-01-01T00:00:00Z"))).isZero();
    }

    @Test
    void records_between_count_matches_between() {
        var from = Instant.parse("2025-01-02T03:04:05Z");
        var to = Instant.parse("2025-01-05T00:00:00Z");

        assertThat(data.recordsBetweenCount(from, to)).isEqualTo(data.between(from, to).size());
    }

    @Test
    void ten_million_records_are_computed_without_holding_them() {
        var big = DemoData.of(DemoApiOptions.defaults().withCount(10_000_000).withSpacing(Duration.ofSeconds(1)));

        assertThat(big.record(10_000_000).get("updated_at").asString()).isEqualTo("2025-04-26T17:46:39Z");
        assertThat(big.between(Instant.EPOCH, Instant.MAX)).hasSize(10_000_000);
    }

    @Test
    void an_id_outside_the_data_set_is_refused() {
        assertThatThrownBy(() -> data.record(100_001)).hasMessage("id must be 1 to 100000, got 100001");
    }

    private static String json(DemoData data, long id) {
        return data.json(id);
    }
}
