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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Seed 003's continuation cases: America/Los_Angeles, target day one day back, one window per run,
 * now 2025-07-01T17:00:00Z, so the target day is 2025-06-30 local = [2025-06-30T07:00Z, 2025-07-01T07:00Z).
 */
class TargetDaySeed003Test {
    private static final Instant NOW = Instant.parse("2025-07-01T17:00:00Z");

    private static WindowSettings settings(String size) {
        return new WindowSettings(CursorKind.TIME, Optional.empty(), Optional.empty(), OptionalLong.empty(), OptionalLong.empty(),
                Optional.of(Span.parse("1d")), Optional.of(Span.parse(size)), OptionalLong.empty(), Duration.ZERO,
                ZoneId.of("America/Los_Angeles"), Align.NONE, OptionalInt.of(1), true);
    }

    private static Plan plan(String size, String watermark) {
        Optional<Instant> w = watermark.equals("none") ? Optional.empty() : Optional.of(Instant.parse(watermark));
        return Planner.plan(settings(size), w, Optional.empty(), NOW);
    }

    @ParameterizedTest(name = "size {0}, watermark {1} -> [{2}, {3})")
    @CsvSource({
            "3h, none,                 2025-06-30T07:00:00Z, 2025-06-30T10:00:00Z",
            "3h, 2025-06-30T09:00:00Z, 2025-06-30T09:00:00Z, 2025-06-30T12:00:00Z",
            "3h, 2025-06-30T19:00:00Z, 2025-06-30T19:00:00Z, 2025-06-30T22:00:00Z",
            "3h, 2025-07-01T05:00:00Z, 2025-07-01T05:00:00Z, 2025-07-01T07:00:00Z",
            "3h, 2025-06-30T03:00:00Z, 2025-06-30T07:00:00Z, 2025-06-30T10:00:00Z",
            "5h, 2025-07-01T05:00:00Z, 2025-07-01T05:00:00Z, 2025-07-01T07:00:00Z",
            "1h, 2025-07-01T06:30:00Z, 2025-07-01T06:30:00Z, 2025-07-01T07:00:00Z",
    })
    void plans_the_one_window_seed_003_expects(String size, String watermark, String start, String end) {
        Plan plan = plan(size, watermark);

        assertThat(plan.outcome()).isEqualTo(Plan.Outcome.WINDOWS);
        assertThat(plan.windows()).containsExactly(new TimeWindow(Instant.parse(start), Instant.parse(end)));
    }

    @Test
    void a_window_that_would_cross_local_midnight_is_cut_there_and_reported_shorter() {
        var window = (TimeWindow) plan("3h", "2025-07-01T05:00:00Z").windows().getFirst();

        assertThat(window.length()).isEqualTo(Duration.ofHours(2));
    }

    @ParameterizedTest(name = "watermark {0} means the day is complete")
    @CsvSource({"2025-07-01T07:00:00Z", "2025-07-01T12:00:00Z"})
    void a_watermark_at_or_after_the_days_end_means_already_complete(String watermark) {
        Plan plan = plan("3h", watermark);

        assertThat(plan.windows()).isEmpty();
        assertThat(plan.outcome()).isEqualTo(Plan.Outcome.DAY_COMPLETE);
        assertThat(plan.message()).contains("2025-06-30").contains("already complete");
    }

    @Test
    void without_max_windows_the_whole_target_day_is_tiled_up_to_its_end() {
        var all = settings("3h").withMaxWindows(OptionalInt.empty());

        List<Window> windows = Planner.plan(all, Optional.empty(), Optional.empty(), NOW).windows();

        assertThat(windows).hasSize(8);
        assertThat(windows.getFirst()).isEqualTo(new TimeWindow(Instant.parse("2025-06-30T07:00:00Z"), Instant.parse("2025-06-30T10:00:00Z")));
        assertThat(((TimeWindow) windows.getLast()).end()).isEqualTo(Instant.parse("2025-07-01T07:00:00Z"));
    }

    @Test
    void the_target_day_is_the_local_day_containing_now_minus_back() {
        assertThat(Planner.targetDay(NOW, Span.parse("1d"), ZoneId.of("America/Los_Angeles"))).hasToString("2025-06-30");
        // 2025-07-01T03:00Z is still June 30 in Los Angeles, so one day back is June 29.
        assertThat(Planner.targetDay(Instant.parse("2025-07-01T03:00:00Z"), Span.parse("1d"), ZoneId.of("America/Los_Angeles")))
                .hasToString("2025-06-29");
    }
}
