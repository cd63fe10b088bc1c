package dev.sluice.connectors.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.spi.DataRecord;
import dev.sluice.core.window.IdWindow;
import dev.sluice.core.window.TimeWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class GenerateTilingPropertyTest {

    @Property(tries = 500)
    void any_cut_of_a_time_range_into_windows_yields_exactly_the_records_of_the_whole_range(
            @ForAll("everyMillis") long every,
            @ForAll @LongRange(min = -2_000_000_000_000_000_000L, max = 2_000_000_000_000_000_000L) long startNanos,
            @ForAll @LongRange(min = 1, max = 1_000_000) long lengthPermille,
            @ForAll @Size(max = 6) List<@IntRange(min = 0, max = 1000) Integer> cuts,
            @ForAll @IntRange(min = 1, max = 7) int pageSize) {
        // up to about 40 records, whatever 'every' is
        long lengthNanos = every * 40 * lengthPermille;
        Instant start = Instant.EPOCH.plusNanos(startNanos);
        Instant end = start.plusNanos(lengthNanos);
        var source = GenerateSourceTest.source(new GenerateSourceConfig(Duration.ofMillis(every), Duration.ZERO, pageSize, 1, 10));

        var points = new TreeSet<Instant>();
        points.add(start);
        points.add(end);
        for (int c : cuts)
            points.add(start.plusNanos(lengthNanos / 1000 * c));
        var cutRecords = new ArrayList<DataRecord>();
        Instant from = null;
        for (Instant p : points) {
            if (from != null)
                cutRecords.addAll(GenerateSourceTest.readAll(source, new TimeWindow(from, p)));
            from = p;
        }

        assertThat(cutRecords).isEqualTo(GenerateSourceTest.readAll(source, new TimeWindow(start, end)));
        assertThat(GenerateSourceTest.ids(cutRecords)).isEqualTo(bruteForce(every, start, end));
    }

    @Property(tries = 200)
    void any_cut_of_an_id_range_into_windows_yields_exactly_the_ids_of_the_range(
            @ForAll @LongRange(min = -1_000_000, max = 1_000_000) long start,
            @ForAll @IntRange(min = 1, max = 60) int length,
            @ForAll @Size(max = 6) List<@IntRange(min = 0, max = 60) Integer> cuts,
            @ForAll @IntRange(min = 1, max = 7) int pageSize) {
        var source = GenerateSourceTest.source(new GenerateSourceConfig(Duration.ofSeconds(1), Duration.ZERO, pageSize, 3, 10));
        var points = new TreeSet<Long>();
        points.add(start);
        points.add(start + length);
        for (int c : cuts)
            if (c < length)
                points.add(start + c);
        var ids = new ArrayList<Long>();
        Long from = null;
        for (long p : points) {
            if (from != null)
                ids.addAll(GenerateSourceTest.ids(GenerateSourceTest.readAll(source, new IdWindow(from, p))));
            from = p;
        }

        var expected = new ArrayList<Long>();
        for (long id = start; id < start + length; id++)
            expected.add(id);
        assertThat(ids).isEqualTo(expected);
    }

    @Provide
    Arbitrary<Long> everyMillis() {
        return Arbitraries.of(1L, 3L, 7L, 1000L, 1500L, 60_000L, 3_600_000L, 86_400_000L);
    }

    /** Every k with start <= k * every < end, by trying the numbers around the range one by one. */
    private static List<Long> bruteForce(long every, Instant start, Instant end) {
        long first = Math.floorDiv(start.toEpochMilli(), every) - 2;
        var out = new ArrayList<Long>();
        for (long k = first; ; k++) {
            Instant t = Instant.ofEpochMilli(k * every);
            if (!t.isBefore(end))
                return out;
            if (!t.isBefore(start))
                out.add(k);
        }
    }
}
