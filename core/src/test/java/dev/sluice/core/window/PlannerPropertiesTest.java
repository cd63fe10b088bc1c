package dev.sluice.core.window;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The properties of DESIGN.md section 1, for random starts, sizes, lags, nows and watermarks, in
 * time zones with DST (including Lord Howe's 30-minute shift), a half-hour offset and UTC, biased
 * towards DST transition days.
 */
class PlannerPropertiesTest {
    private static final List<String> ZONES = List.of("America/New_York", "America/Los_Angeles", "Europe/Paris",
            "Australia/Lord_Howe", "Asia/Kolkata", "UTC");
    private static final List<String> SIZES = List.of("5m", "15m", "1h", "90m", "3h", "6h", "7h13m", "1d", "2d", "1d2h30m20s", "PT3H", "P1DT6H");

    record Case(WindowSettings settings, Optional<Instant> watermark, Instant now) {
        Instant upper() {
            Instant u = now.minus(settings.lag());
            if (settings.endTime().isPresent() && settings.endTime().get().isBefore(u))
                u = settings.endTime().get();
            if (settings.targetDayBack().isPresent()) {
                Instant dayEnd = day().plusDays(1).atStartOfDay(settings.zone()).toInstant();
                if (dayEnd.isBefore(u))
                    u = dayEnd;
            }
            return u;
        }

        Instant lower() {
            if (settings.targetDayBack().isPresent()) {
                Instant dayStart = day().atStartOfDay(settings.zone()).toInstant();
                return watermark.filter(w -> w.isAfter(dayStart)).orElse(dayStart);
            }
            return watermark.orElse(settings.startTime().orElseThrow());
        }

        LocalDate day() {
            return Planner.targetDay(now, settings.targetDayBack().orElseThrow(), settings.zone());
        }

        List<TimeWindow> plan() {
            return Planner.plan(settings, watermark, Optional.empty(), now).windows().stream().map(TimeWindow.class::cast).toList();
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<ZoneId> zones = Arbitraries.of(ZONES).map(ZoneId::of);
        Arbitrary<Span> sizes = Arbitraries.of(SIZES).map(Span::parse).injectNull(0.1);
        Arbitrary<Duration> lags = Arbitraries.of(Duration.ZERO, Duration.ofMinutes(1), Duration.ofHours(6), Duration.ofMinutes(37));
        Arbitrary<Align> aligns = Arbitraries.of(Align.class);
        Arbitrary<Long> anchorSeconds = Arbitraries.longs().between(0, 3 * 24 * 3600);
        Arbitrary<Integer> years = Arbitraries.integers().between(2019, 2030);
        Arbitrary<Boolean> targetDay = Arbitraries.of(false, false, true);
        Arbitrary<Boolean> withWatermark = Arbitraries.of(true, false);
        Arbitrary<Boolean> withEnd = Arbitraries.of(false, false, true);
        return Combinators.combine(zones, sizes, lags, aligns, anchorSeconds, years, targetDay, withWatermark)
                .flatAs((zone, size, lag, align, offset, year, useTargetDay, useWatermark) -> withEnd.map(useEnd -> {
                    // "now" lands near a DST transition of the zone (or mid-year where there is none), give or take days.
                    Instant anchor = transitionNear(zone, year).orElse(LocalDate.of(year, 6, 15).atStartOfDay(zone).toInstant());
                    Instant now = anchor.plusSeconds(offset).minusSeconds(36 * 3600);
                    Instant start = now.minus(Duration.ofSeconds(Math.floorMod(offset * 7919, 4 * 24 * 3600) + 1));
                    Optional<Instant> watermark = useWatermark
                            ? Optional.of(start.plusSeconds(Math.floorMod(offset * 31, 5 * 24 * 3600)).truncatedTo(ChronoUnit.SECONDS))
                            : Optional.empty();
                    var base = new WindowSettings(CursorKind.TIME, Optional.of(start),
                            useEnd ? Optional.of(now.minusSeconds(Math.floorMod(offset, 86_400))) : Optional.empty(),
                            OptionalLong.empty(), OptionalLong.empty(), Optional.empty(), Optional.ofNullable(size),
                            OptionalLong.empty(), lag, zone, align, OptionalInt.empty(), true);
                    var settings = useTargetDay ? base.withTargetDay(Span.parse(offset % 2 == 0 ? "1d" : "6h")) : base;
                    return new Case(settings, watermark, now);
                }));
    }

    private static Optional<Instant> transitionNear(ZoneId zone, int year) {
        ZoneOffsetTransition t = zone.getRules().nextTransition(LocalDate.of(year, 1, 1).atStartOfDay(zone).toInstant());
        return t == null || t.getInstant().isAfter(LocalDate.of(year + 1, 1, 1).atStartOfDay(zone).toInstant())
                ? Optional.empty() : Optional.of(t.getInstant());
    }

    @Property(tries = 1000)
    void windows_tile_the_range_from_the_lower_bound_to_the_upper_bound_exactly(@ForAll("cases") Case c) {
        List<TimeWindow> windows = c.plan();
        if (!c.lower().isBefore(c.upper())) {
            assertThat(windows).isEmpty();
            return;
        }
        assertThat(windows.getFirst().start()).isEqualTo(c.lower());
        assertThat(windows.getLast().end()).isEqualTo(c.upper());
        for (int i = 1; i < windows.size(); i++)
            assertThat(windows.get(i).start()).isEqualTo(windows.get(i - 1).end());
    }

    @Property(tries = 1000)
    void no_window_ends_after_now_minus_lag(@ForAll("cases") Case c) {
        Instant settled = c.now().minus(c.settings().lag());
        for (TimeWindow w : c.plan())
            assertThat(w.end()).isBeforeOrEqualTo(settled);
    }

    @Property(tries = 1000)
    void no_window_crosses_a_local_alignment_boundary(@ForAll("cases") Case c) {
        ZoneId zone = c.settings().zone();
        for (TimeWindow w : c.plan()) {
            Instant last = w.end().minusNanos(1);
            if (c.settings().align() == Align.DAY || c.settings().targetDayBack().isPresent())
                assertThat(last.atZone(zone).toLocalDate()).as("local day of the last instant of %s", w).isEqualTo(w.start().atZone(zone).toLocalDate());
            if (c.settings().align() == Align.HOUR)
                assertThat(hourBoundariesInside(w, zone)).as("local whole hours or offset changes inside %s", w).isEmpty();
        }
    }

    @Property(tries = 1000)
    void each_window_has_the_size_unless_a_boundary_or_the_upper_bound_cuts_it(@ForAll("cases") Case c) {
        var size = c.settings().size();
        ZoneId zone = c.settings().zone();
        for (TimeWindow w : c.plan()) {
            if (size.isEmpty()) {
                assertThat(w.end()).isEqualTo(cutAt(w, c));
                continue;
            }
            Instant full = Planner.advance(w.start(), size.get(), zone);
            assertThat(w.end()).isBeforeOrEqualTo(full);
            if (w.end().isBefore(full))
                assertThat(isBoundary(w.end(), c) || w.end().equals(c.upper())).as("%s is shorter than %s without a reason", w, size.get()).isTrue();
        }
    }

    @Property(tries = 500)
    void whole_day_sizes_follow_the_local_calendar(@ForAll("cases") Case c) {
        var size = c.settings().size();
        if (size.isEmpty() || !size.get().wholeDays())
            return;
        ZoneId zone = c.settings().zone();
        for (TimeWindow w : c.plan())
            if (!w.end().equals(c.upper()) && !isBoundary(w.end(), c))
                assertThat(w.end().atZone(zone).toLocalTime()).isEqualTo(w.start().atZone(zone).toLocalTime());
    }

    @Property(tries = 500)
    void planning_twice_with_the_same_inputs_gives_the_same_windows(@ForAll("cases") Case c) {
        assertThat(c.plan()).isEqualTo(c.plan());
    }

    @Property(tries = 500)
    void continuing_from_the_end_of_any_window_plans_the_same_remaining_windows(@ForAll("cases") Case c) {
        List<TimeWindow> windows = c.plan();
        if (windows.size() < 2)
            return;
        int k = windows.size() / 2;
        var resumed = new Case(c.settings(), Optional.of(windows.get(k - 1).end()), c.now()).plan();
        assertThat(resumed).isEqualTo(windows.subList(k, windows.size()));
    }

    @Property(tries = 500)
    void max_windows_gives_a_prefix_of_the_unlimited_plan(@ForAll("cases") Case c) {
        List<TimeWindow> all = c.plan();
        var limited = new Case(c.settings().withMaxWindows(OptionalInt.of(3)), c.watermark(), c.now()).plan();
        assertThat(limited).isEqualTo(all.subList(0, Math.min(3, all.size())));
    }

    @Property(tries = 500)
    void target_day_windows_stay_inside_the_target_day(@ForAll("cases") Case c) {
        if (c.settings().targetDayBack().isEmpty())
            return;
        ZoneId zone = c.settings().zone();
        Instant dayStart = c.day().atStartOfDay(zone).toInstant();
        Instant dayEnd = c.day().plusDays(1).atStartOfDay(zone).toInstant();
        for (TimeWindow w : c.plan()) {
            assertThat(w.start()).isAfterOrEqualTo(dayStart);
            assertThat(w.end()).isBeforeOrEqualTo(dayEnd);
        }
        if (c.watermark().isPresent() && !c.watermark().get().isBefore(dayEnd))
            assertThat(Planner.plan(c.settings(), c.watermark(), Optional.empty(), c.now()).outcome()).isEqualTo(Plan.Outcome.DAY_COMPLETE);
    }

    private static Instant cutAt(TimeWindow w, Case c) {
        Instant end = c.upper();
        var b = Planner.nextBoundary(w.start(), c.settings().align(), c.settings().zone());
        if (b.isPresent() && b.get().isBefore(end))
            end = b.get();
        return end;
    }

    private static boolean isBoundary(Instant t, Case c) {
        ZoneId zone = c.settings().zone();
        boolean midnight = t.equals(t.atZone(zone).toLocalDate().atStartOfDay(zone).toInstant());
        return switch (c.settings().align()) {
            case NONE -> c.settings().targetDayBack().isPresent() && midnight;
            case DAY -> midnight;
            case HOUR -> isWholeLocalHour(t, zone) || isTransition(t, zone);
        };
    }

    /** Every whole local hour and every offset change strictly inside the window, found by walking whole minutes. */
    private static List<Instant> hourBoundariesInside(TimeWindow w, ZoneId zone) {
        var found = new ArrayList<Instant>();
        for (Instant t = w.start().truncatedTo(ChronoUnit.MINUTES).plusSeconds(60); t.isBefore(w.end()); t = t.plusSeconds(60))
            if (isWholeLocalHour(t, zone) || isTransition(t, zone))
                found.add(t);
        return found;
    }

    private static boolean isWholeLocalHour(Instant t, ZoneId zone) {
        var local = t.atZone(zone).toLocalTime();
        return local.getMinute() == 0 && local.getSecond() == 0 && local.getNano() == 0;
    }

    private static boolean isTransition(Instant t, ZoneId zone) {
        return !zone.getRules().getOffset(t.minusNanos(1)).equals(zone.getRules().getOffset(t));
    }
}
