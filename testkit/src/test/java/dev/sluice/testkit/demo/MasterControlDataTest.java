package dev.sluice.testkit.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MasterControlDataTest {
    private final MasterControlData data = MasterControlData.of(DemoApiOptions.masterControl());

    @Test
    void the_same_seed_makes_the_same_records_and_captures() {
        var again = MasterControlData.of(DemoApiOptions.masterControl());

        assertThat(again.record(1234)).isEqualTo(data.record(1234));
        assertThat(again.captures(1234)).isEqualTo(data.captures(1234));
    }

    @Test
    void another_seed_makes_other_captures() {
        var other = MasterControlData.of(DemoApiOptions.masterControl().withSeed(2));

        assertThat(other.captures(1234)).isNotEqualTo(data.captures(1234));
    }

    @Test
    void every_record_belongs_to_the_lot_that_lists_it() {
        for (long id = 1; id <= 400; id++)
            assertThat(data.lot(data.lotOf(id).lotNumber()).orElseThrow().productionRecordIds()).contains(id);
    }

    @Test
    void lots_hold_one_to_four_records_and_some_hold_several() {
        var sizes = new java.util.TreeSet<Integer>();
        for (long id = 1; id <= 400; id++)
            sizes.add(data.lotOf(id).productionRecordIds().size());

        assertThat(sizes).contains(1, 4).allMatch(n -> n >= 1 && n <= 4);
    }

    @Test
    void a_lot_number_that_was_never_made_has_no_lot() {
        assertThat(data.lot("LOT-999999999")).isEmpty();
        assertThat(data.lot("not-a-lot")).isEmpty();
    }

    @Test
    void the_fallback_is_needed_for_multiples_of_seven_or_twenty_three_and_fails_for_multiples_of_twenty_three() {
        for (long id = 1; id <= 2000; id++) {
            var lot = data.lotOf(id);
            assertThat(data.primaryEmpty(lot.lotNumber())).isEqualTo(lot.index() % 7 == 0 || lot.index() % 23 == 0);
            assertThat(data.bothEmpty(lot.lotNumber())).isEqualTo(lot.index() % 23 == 0);
        }
    }

    @Test
    void a_records_last_capture_is_at_its_modification_time() {
        assertThat(data.captures(777).getLast().dateTime()).isEqualTo(data.modifiedAt(777));
    }

    @Test
    void captures_belong_to_phases_of_their_record() {
        var phases = data.structure(777).stream().filter(n -> n.level() == MasterControlData.Level.PHASE)
                .map(MasterControlData.StructureNode::id).toList();

        assertThat(data.captures(777)).allMatch(c -> phases.contains(c.structureId()));
    }

    @Test
    void modified_between_lists_records_by_modification_time() {
        Instant from = Instant.parse("2025-01-05T00:00:00Z");

        var ids = data.modifiedBetween(from, from.plus(Duration.ofHours(6)));

        assertThat(ids).extracting(data::modifiedAt).isSorted().allMatch(t -> !t.isBefore(from));
    }

    @Test
    void a_trillion_records_cost_nothing_until_one_is_asked_for() {
        var huge = MasterControlData.of(DemoApiOptions.masterControl().withSpacing(Duration.ofMillis(1)).withCount(1_000_000_000_000L));

        assertThat(huge.captures(1_000_000_000_000L).getFirst().value()).isEqualTo(huge.lotOf(1_000_000_000_000L).lotNumber());
    }
}
