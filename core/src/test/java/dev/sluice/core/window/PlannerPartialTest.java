package dev.sluice.core.window;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * {@code partial: false}: 6-hour windows of New York time with a 6-hour lag, as seed 000 runs them,
 * stay on the local 0-6-12-18 grid whatever moment a run starts, instead of ending at now minus lag.
 */
class PlannerPartialTest {
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final Instant JAN_1 = Instant.parse("2025-01-01T05:00:00Z"); // local midnight

    private static WindowSettings sixHours(boolean partial, Optional<Instant> end) {
        return new WindowSettings(CursorKind.TIME, Optional.of(JAN_1), end, OptionalLong.empty(), OptionalLong.empty(), Optional.empty(),
                Optional.of(Span.parse("6h")), OptionalLong.empty(), Duration.ofHours(6), NEW_YORK, Align.DAY, OptionalInt.empty(), partial);
    }

    private static List<String> windows(Plan plan) {
        return plan.windows().stream().map(Window::toString).toList();
    }

    @Test
    void a_run_a_moment_after_a_grid_time_plans_only_whole_windows() {
        // 12:00:05 local: now minus lag is 06:00:05, so [06:00, 12:00) is not whole yet.
        Plan plan = Planner.planTime(sixHours(false, Optional.empty()), Optional.empty(), Instant.parse("2025-01-01T17:00:05Z"));

        assertThat(windows(plan)).containsExactly("[2025-01-01T05:00:00Z, 2025-01-01T11:00:00Z)");
    }

    @Test
    void by_default_the_last_window_ends_at_now_minus_lag() {
        Plan plan = Planner.planTime(sixHours(true, Optional.empty()), Optional.empty(), Instant.parse("2025-01-01T17:00:05Z"));

        assertThat(windows(plan)).containsExactly("[2025-01-01T05:00:00Z, 2025-01-01T11:00:00Z)", "[2025-01-01T11:00:00Z, 2025-01-01T11:00:05Z)");
    }

    @Test
    void a_run_before_the_next_window_is_whole_is_up_to_date_and_says_when_it_will_be() {
        Plan plan = Planner.planTime(sixHours(false, Optional.empty()), Optional.of(Instant.parse("2025-01-01T11:00:00Z")),
                Instant.parse("2025-01-01T22:59:59Z"));

        assertThat(plan.outcome()).isEqualTo(Plan.Outcome.UP_TO_DATE);
        assertThat(plan.message()).contains("2025-01-01T11:00:00Z", "2025-01-01T17:00:00Z");
    }

    @Test
    void windows_cut_at_local_midnight_are_planned_as_they_never_grow() {
        // The spring-forward day has 23 hours: 0-7 (six elapsed hours), 7-13, 13-19, then 19-24, cut at midnight.
        var settings = sixHours(false, Optional.empty());
        Plan plan = Planner.planTime(settings, Optional.of(Instant.parse("2025-03-09T05:00:00Z")), Instant.parse("2025-03-10T10:00:00Z"));

        assertThat(windows(plan)).containsExactly("[2025-03-09T05:00:00Z, 2025-03-09T11:00:00Z)", "[2025-03-09T11:00:00Z, 2025-03-09T17:00:00Z)",
                "[2025-03-09T17:00:00Z, 2025-03-09T23:00:00Z)", "[2025-03-09T23:00:00Z, 2025-03-10T04:00:00Z)");
    }

    @Test
    void a_fixed_end_still_cuts_the_last_window() {
        var settings = sixHours(false, Optional.of(Instant.parse("2025-01-01T08:00:00Z")));
        Plan plan = Planner.planTime(settings, Optional.empty(), Instant.parse("2025-02-01T00:00:00Z"));

        assertThat(windows(plan)).containsExactly("[2025-01-01T05:00:00Z, 2025-01-01T08:00:00Z)");
    }

    @Test
    void runs_at_any_moments_plan_the_same_windows_as_one_run_at_the_end() {
        var settings = sixHours(false, Optional.empty());
        Instant end = Instant.parse("2025-01-04T05:00:00Z");
        List<String> once = windows(Planner.planTime(settings, Optional.empty(), end.plus(Duration.ofHours(6))));
        var pieces = new java.util.ArrayList<String>();
        Optional<Instant> watermark = Optional.empty();
        for (Instant now = JAN_1.plus(Duration.ofHours(6)); !now.isAfter(end.plus(Duration.ofHours(6))); now = now.plus(Duration.ofMinutes(97))) {
            Plan p = Planner.planTime(settings, watermark, now);
            for (Window w : p.windows()) {
                pieces.add(w.toString());
                watermark = Optional.of(((TimeWindow) w).end());
            }
        }
        Plan last = Planner.planTime(settings, watermark, end.plus(Duration.ofHours(6)));
        last.windows().forEach(w -> pieces.add(w.toString()));

        assertThat(pieces).isEqualTo(once).hasSize(12);
    }
}
