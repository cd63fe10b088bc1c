package dev.sluice.connectors.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import org.junit.jupiter.api.Test;

/** Window bounds bound as local times: non-decreasing through DST changes, and agreeing with how local values are read. */
class WindowParametersTest {
    private static final ZoneId[] ZONES = {ZoneId.of("Europe/Berlin"), ZoneId.of("America/New_York"), ZoneId.of("Australia/Lord_Howe")};

    @Test
    void local_bounds_never_go_backwards_around_any_dst_change_of_2025() {
        for (ZoneId zone : ZONES) {
            for (ZoneOffsetTransition t : transitions(zone)) {
                LocalDateTime previous = null;
                for (Instant i = t.getInstant().minusSeconds(7200); i.isBefore(t.getInstant().plusSeconds(7200)); i = i.plusSeconds(450)) {
                    LocalDateTime bound = WindowParameters.localBound(i, zone);
                    if (previous != null)
                        assertThat(bound).as("%s at %s", zone, i).isAfterOrEqualTo(previous);
                    previous = bound;
                }
            }
        }
    }

    @Test
    void a_local_value_lies_between_the_local_bounds_exactly_when_the_instant_it_is_read_as_lies_in_the_window() {
        for (ZoneId zone : ZONES) {
            for (ZoneOffsetTransition t : transitions(zone)) {
                Instant from = t.getInstant().minusSeconds(7200);
                for (int step = 0; step < 32; step++) {
                    Instant a = from.plusSeconds(450L * step), b = a.plusSeconds(900);
                    LocalDateTime la = WindowParameters.localBound(a, zone), lb = WindowParameters.localBound(b, zone);
                    for (LocalDateTime v = la.minusHours(3); v.isBefore(lb.plusHours(3)); v = v.plusMinutes(5)) {
                        if (t.isGap() && !v.isBefore(t.getDateTimeBefore()) && v.isBefore(t.getDateTimeAfter()))
                            continue; // a local time that never happened
                        Instant read = WindowParameters.placeLocal(v, zone).toInstant();
                        boolean byLocal = !v.isBefore(la) && v.isBefore(lb);
                        boolean byInstant = !read.isBefore(a) && read.isBefore(b);
                        assertThat(byLocal).as("%s %s in [%s, %s)", zone, v, a, b).isEqualTo(byInstant);
                    }
                }
            }
        }
    }

    private static java.util.List<ZoneOffsetTransition> transitions(ZoneId zone) {
        var out = new java.util.ArrayList<ZoneOffsetTransition>();
        Instant i = Instant.parse("2025-01-01T00:00:00Z");
        for (ZoneOffsetTransition t = zone.getRules().nextTransition(i); t != null && t.getInstant().isBefore(Instant.parse("2026-01-01T00:00:00Z"));
             t = zone.getRules().nextTransition(t.getInstant()))
            out.add(t);
        assertThat(out).as("DST changes of %s in 2025", zone).hasSize(2);
        return out;
    }
}
