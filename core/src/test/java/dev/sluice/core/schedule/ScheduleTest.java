package dev.sluice.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Cron and interval schedules: their next times, what is due after a pause, jitter, and the days when
 * the clocks change (2025: Europe/Paris on 30 March and 26 October at 01:00 UTC, America/New_York on
 * 9 March and 2 November at 02:00 local).
 */
class ScheduleTest {
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final Schedule EVERY_5M = Schedule.every(Duration.ofMinutes(5));
    private static final Schedule QUARTER_HOURS = Schedule.cron("*/15 * * * *", UTC);

    private static Instant at(String instant) {
        return Instant.parse(instant);
    }

    private static Instant nextAfter(String cron, ZoneId zone, String t) {
        return Schedule.cron(cron, zone).nextAfter(at(t));
    }

    /** {@link Schedule#due} with {@code lastDue} written as an instant, or "none". */
    private static Instant due(Schedule schedule, String lastDue, String now) {
        return schedule.due(lastDue.equals("none") ? Optional.empty() : Optional.of(at(lastDue)), at(now));
    }

    /** Every due time of {@code schedule} during the local day {@code date} of {@code zone}, one after the other. */
    private static List<ZonedDateTime> runsOn(Schedule schedule, String date, ZoneId zone) {
        Instant t = LocalDate.parse(date).atStartOfDay(zone).toInstant().minusNanos(1);
        Instant end = LocalDate.parse(date).plusDays(1).atStartOfDay(zone).toInstant();
        var runs = new ArrayList<ZonedDateTime>();
        for (t = schedule.nextAfter(t); t.isBefore(end); t = schedule.nextAfter(t))
            runs.add(t.atZone(zone));
        return runs;
    }

    // Next times

    @Test
    void a_cron_schedule_is_next_due_at_its_next_time_on_the_wall_clock_of_its_zone() {
        assertThat(nextAfter("0 9 * * *", PARIS, "2025-06-30T10:00:00Z")).isEqualTo(at("2025-07-01T07:00:00Z"));
    }

    @Test
    void the_next_time_is_strictly_after_a_time_that_matches() {
        assertThat(QUARTER_HOURS.nextAfter(at("2025-01-01T10:15:00Z"))).isEqualTo(at("2025-01-01T10:30:00Z"));
    }

    @Test
    void the_next_time_after_a_fraction_of_a_second_before_a_match_is_that_match() {
        assertThat(QUARTER_HOURS.nextAfter(at("2025-01-01T10:14:59.999Z"))).isEqualTo(at("2025-01-01T10:15:00Z"));
    }

    @Test
    void an_interval_is_next_due_one_interval_later() {
        assertThat(EVERY_5M.nextAfter(at("2025-01-01T10:03:20Z"))).isEqualTo(at("2025-01-01T10:08:20Z"));
    }

    @ParameterizedTest(name = "{0} after 2025-01-01T10:30Z is {1}")
    @CsvSource({
            "@hourly,   2025-01-01T11:00:00Z",
            "@daily,    2025-01-02T00:00:00Z",
            "@midnight, 2025-01-02T00:00:00Z",
            "@weekly,   2025-01-05T00:00:00Z",
            "@monthly,  2025-02-01T00:00:00Z",
            "@yearly,   2026-01-01T00:00:00Z",
            "@annually, 2026-01-01T00:00:00Z",
    })
    void a_macro_stands_for_its_usual_expression(String macro, String next) {
        assertThat(nextAfter(macro, UTC, "2025-01-01T10:30:00Z")).isEqualTo(at(next));
    }

    @Test
    void when_both_day_fields_are_restricted_a_day_matching_either_runs_as_in_unix_cron() {
        var schedule = Schedule.cron("0 0 13 * 5", UTC); // the 13th, and every Friday

        assertThat(runsOn(schedule, "2025-01-10", UTC)).hasSize(1);  // a Friday
        assertThat(runsOn(schedule, "2025-01-13", UTC)).hasSize(1);  // a Monday, the 13th
        assertThat(runsOn(schedule, "2025-01-14", UTC)).isEmpty();
    }

    @ParameterizedTest(name = "{0} after Wednesday 2025-01-01T10:30Z is {1}")
    @CsvSource({
            "0 9 * * MON,     2025-01-06T09:00:00Z",
            "0 9 * * mon-fri, 2025-01-02T09:00:00Z",
            "0 9 * * 0,       2025-01-05T09:00:00Z",
            "0 9 * * 7,       2025-01-05T09:00:00Z",
            "0 9 1 JAN *,     2026-01-01T09:00:00Z",
    })
    void names_work_and_sunday_is_0_or_7_as_in_unix_cron(String cron, String next) {
        assertThat(nextAfter(cron, UTC, "2025-01-01T10:30:00Z")).isEqualTo(at(next));
    }

    // Invalid schedules

    @ParameterizedTest(name = "''{0}'': {1}")
    @CsvSource(delimiter = '|', value = {
            "* * * *          | it has 4 fields and needs 5 (no seconds, no year)",
            "0 0 * * * *      | it has 6 fields and needs 5",
            "''               | it has 0 fields and needs 5",
            "60 * * * *       | 60 not in range [0, 59]",
            "0 24 * * *       | 24 not in range [0, 23]",
            "a b c d e        | invalid characters",
            "@reboot          | the macros are @hourly, @daily, @midnight, @weekly, @monthly, @yearly and @annually",
            "0 0 30 2 *       | it matches no date",
    })
    void an_invalid_cron_expression_says_what_is_wrong_and_shows_valid_ones(String expression, String reason) {
        assertThatThrownBy(() -> Schedule.cron(expression, UTC)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("'" + expression + "' is not a valid cron expression: ")
                .hasMessageContaining(reason)
                .hasMessageContaining("e.g. \"*/15 * * * *\" (every 15 minutes)");
    }

    @ParameterizedTest
    @CsvSource({"PT0.5S", "PT0S", "PT-5M"})
    void an_interval_under_one_second_is_refused(String every) {
        assertThatThrownBy(() -> Schedule.every(Duration.parse(every))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("an interval must be at least 1s");
    }

    // Daylight saving time

    @ParameterizedTest(name = "{0} in {1} on {2} runs once, at {3}")
    @CsvSource({
            "30 2 * * *, Europe/Paris,     2025-03-30, 2025-03-30T03:30+02:00[Europe/Paris]",
            "30 2 * * *, America/New_York, 2025-03-09, 2025-03-09T03:30-04:00[America/New_York]",
    })
    void a_daily_cron_in_the_hour_skipped_in_spring_runs_once_that_day_an_hour_later_on_the_wall_clock(
            String cron, String zone, String date, String run) {
        assertThat(runsOn(Schedule.cron(cron, ZoneId.of(zone)), date, ZoneId.of(zone))).containsExactly(ZonedDateTime.parse(run));
    }

    @ParameterizedTest(name = "{0} in {1} on {2} runs once, at {3}")
    @CsvSource({
            "30 2 * * *, Europe/Paris,     2025-10-26, 2025-10-26T02:30+02:00[Europe/Paris]",
            "30 1 * * *, America/New_York, 2025-11-02, 2025-11-02T01:30-04:00[America/New_York]",
    })
    void a_daily_cron_in_the_hour_repeated_in_autumn_runs_once_in_the_first_pass(String cron, String zone, String date, String run) {
        assertThat(runsOn(Schedule.cron(cron, ZoneId.of(zone)), date, ZoneId.of(zone))).containsExactly(ZonedDateTime.parse(run));
    }

    @Test
    void a_daily_cron_asked_from_within_the_repeated_hour_does_not_run_a_second_time() {
        // 02:00 CET, the second pass; 02:30 CEST has run an hour ago.
        assertThat(nextAfter("30 2 * * *", PARIS, "2025-10-26T01:00:00Z")).isEqualTo(at("2025-10-27T01:30:00Z"));
    }

    @Test
    void the_day_after_a_spring_forward_the_daily_cron_is_back_at_its_time() {
        assertThat(nextAfter("30 2 * * *", PARIS, "2025-03-30T01:30:00Z")).isEqualTo(at("2025-03-31T00:30:00Z"));
    }

    @ParameterizedTest(name = "{0} in {1} on {2}: {3} runs")
    @CsvSource({
            "*/15 * * * *, Europe/Paris,     2025-03-30, 92",
            "*/15 * * * *, Europe/Paris,     2025-10-26, 100",
            "*/15 * * * *, Europe/Paris,     2025-06-30, 96",
            "*/15 * * * *, America/New_York, 2025-03-09, 92",
            "*/15 * * * *, America/New_York, 2025-11-02, 100",
            "0 * * * *,    Europe/Paris,     2025-03-30, 23",
            "0 * * * *,    Europe/Paris,     2025-10-26, 25",
            "30 0-23 * * *, America/New_York, 2025-11-02, 25",
    })
    void a_cron_whose_hour_field_matches_every_hour_keeps_its_pace_on_23_and_25_hour_days(String cron, String zone, String date, int runs) {
        assertThat(runsOn(Schedule.cron(cron, ZoneId.of(zone)), date, ZoneId.of(zone))).hasSize(runs);
    }

    @Test
    void a_cron_every_15_minutes_runs_in_both_passes_of_the_repeated_hour_in_order() {
        var runs = runsOn(Schedule.cron("*/15 * * * *", PARIS), "2025-10-26", PARIS);

        for (int i = 1; i < runs.size(); i++)
            assertThat(Duration.between(runs.get(i - 1), runs.get(i))).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void a_cron_with_fixed_hours_runs_in_the_first_pass_of_the_repeated_hour_only() {
        var runs = runsOn(Schedule.cron("30 1-3 * * *", PARIS), "2025-10-26", PARIS);

        assertThat(runs).containsExactly(
                ZonedDateTime.parse("2025-10-26T01:30+02:00[Europe/Paris]"),
                ZonedDateTime.parse("2025-10-26T02:30+02:00[Europe/Paris]"),
                ZonedDateTime.parse("2025-10-26T03:30+01:00[Europe/Paris]"));
    }

    @Test
    void skipped_times_that_land_on_a_time_of_their_own_run_once() {
        // 02:30 does not exist and moves to 03:30, which the expression names too.
        var runs = runsOn(Schedule.cron("30 2,3 * * *", PARIS), "2025-03-30", PARIS);

        assertThat(runs).containsExactly(ZonedDateTime.parse("2025-03-30T03:30+02:00[Europe/Paris]"));
    }

    // What is due

    @Test
    void a_cron_schedule_that_never_ran_is_due_at_its_next_time_after_now() {
        assertThat(due(QUARTER_HOURS, "none", "2025-01-01T10:07:00Z")).isEqualTo(at("2025-01-01T10:15:00Z"));
    }

    @Test
    void an_interval_that_never_ran_is_due_now() {
        assertThat(due(EVERY_5M, "none", "2025-01-01T10:07:00Z")).isEqualTo(at("2025-01-01T10:07:00Z"));
    }

    @Test
    void a_cron_schedule_is_due_at_its_next_time_after_the_last_due_time() {
        assertThat(due(QUARTER_HOURS, "2025-01-01T10:00:00Z", "2025-01-01T10:07:00Z")).isEqualTo(at("2025-01-01T10:15:00Z"));
    }

    @Test
    void an_interval_is_due_one_interval_after_the_last_due_time() {
        assertThat(due(EVERY_5M, "2025-01-01T10:04:00Z", "2025-01-01T10:07:00Z")).isEqualTo(at("2025-01-01T10:09:00Z"));
    }

    @Test
    void a_due_time_that_is_exactly_now_is_due_now() {
        assertThat(due(EVERY_5M, "2025-01-01T10:02:00Z", "2025-01-01T10:07:00Z")).isEqualTo(at("2025-01-01T10:07:00Z"));
    }

    @ParameterizedTest(name = "{0}: last due {1}, now {2}: due now, then at {3}")
    @CsvSource({
            "cron,     2025-01-01T00:00:00Z, 2025-01-03T10:07:00Z, 2025-01-03T10:15:00Z", // some 200 quarter hours missed
            "interval, 2025-01-01T10:00:00Z, 2025-01-01T11:07:00Z, 2025-01-01T11:12:00Z",
    })
    void due_times_missed_while_nothing_ran_are_due_now_once(String kind, String lastDue, String now, String then) {
        Schedule schedule = kind.equals("cron") ? QUARTER_HOURS : EVERY_5M;

        Instant due = due(schedule, lastDue, now);

        assertThat(due).isEqualTo(at(now));
        assertThat(due(schedule, due.toString(), now)).isEqualTo(at(then));
    }

    // Jitter

    @Test
    void without_jitter_the_delay_is_zero() {
        assertThat(EVERY_5M.randomDelay(new SplittableRandom(1))).isZero();
    }

    @Test
    void the_delay_is_drawn_from_zero_up_to_but_not_including_the_jitter() {
        var schedule = Schedule.every(Duration.ofMinutes(5)).withJitter(Duration.ofSeconds(30));
        var random = new SplittableRandom(42);
        var delays = new ArrayList<Duration>();
        for (int i = 0; i < 1_000; i++)
            delays.add(schedule.randomDelay(random));

        assertThat(delays).allSatisfy(d -> assertThat(d).isGreaterThanOrEqualTo(Duration.ZERO).isLessThan(Duration.ofSeconds(30)));
        assertThat(delays).anySatisfy(d -> assertThat(d).isLessThan(Duration.ofSeconds(3)));
        assertThat(delays).anySatisfy(d -> assertThat(d).isGreaterThan(Duration.ofSeconds(27)));
    }

    @Test
    void a_jitter_as_long_as_the_interval_is_refused() {
        assertThatThrownBy(() -> Schedule.every(Duration.ofMinutes(1)).withJitter(Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jitter 1m must be shorter than the interval 1m");
    }

    @Test
    void a_jitter_as_long_as_the_shortest_gap_of_a_cron_is_refused() {
        var weekdays = Schedule.cron("0 9 * * 1-5", UTC); // gaps of 1 and 3 days

        assertThatThrownBy(() -> weekdays.withJitter(Duration.ofDays(1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be shorter than the shortest gap between two runs of the schedule, 24h");
    }

    @Test
    void a_jitter_shorter_than_the_shortest_gap_of_a_cron_is_kept() {
        var schedule = Schedule.cron("*/15 * * * *", UTC).withJitter(Duration.ofMinutes(14));

        assertThat(schedule.jitter()).isEqualTo(Duration.ofMinutes(14));
    }

    @Test
    void a_negative_jitter_is_refused() {
        assertThatThrownBy(() -> Schedule.every(Duration.ofMinutes(1)).withJitter(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jitter must not be negative");
    }

    @Test
    void jitter_does_not_move_the_due_time() {
        var schedule = EVERY_5M.withJitter(Duration.ofSeconds(30));

        assertThat(due(schedule, "2025-01-01T10:04:00Z", "2025-01-01T10:07:00Z")).isEqualTo(at("2025-01-01T10:09:00Z"));
    }

    // For people

    @Test
    void a_cron_schedule_is_described_in_words_with_its_zone() {
        assertThat(Schedule.cron("*/5 * * * *", PARIS).describe()).isEqualTo("every 5 minutes (Europe/Paris)");
    }

    @Test
    void a_macro_is_described_as_the_expression_it_stands_for() {
        assertThat(Schedule.cron("@daily", UTC).describe()).isEqualTo(Schedule.cron("0 0 * * *", UTC).describe());
    }

    @Test
    void the_utc_offset_of_a_pipeline_without_a_timezone_is_described_as_utc() {
        assertThat(Schedule.cron("30 2 * * *", ZoneOffset.UTC).describe()).isEqualTo("at 02:30 (UTC)");
    }

    @Test
    void an_interval_is_described_in_the_compact_form_of_durations() {
        assertThat(Schedule.every(Duration.ofMinutes(5)).describe()).isEqualTo("every 5m");
    }

    @Test
    void the_description_names_the_jitter() {
        assertThat(Schedule.every(Duration.ofMinutes(5)).withJitter(Duration.ofSeconds(30)).describe()).isEqualTo("every 5m, jitter up to 30s");
    }

    @Test
    void the_accessors_give_back_the_settings() {
        var cron = Schedule.cron(" */15 * * * * ", PARIS);
        var every = Schedule.every(Duration.ofMinutes(5));

        assertThat(cron.cron()).contains("*/15 * * * *");
        assertThat(cron.zone()).contains(PARIS);
        assertThat(cron.every()).isEmpty();
        assertThat(every.every()).contains(Duration.ofMinutes(5));
        assertThat(every.cron()).isEmpty();
        assertThat(every.zone()).isEmpty();
    }

    @Test
    void schedules_with_the_same_settings_are_equal() {
        assertThat(Schedule.cron("*/15 * * * *", PARIS)).isEqualTo(Schedule.cron("*/15 * * * *", PARIS))
                .isNotEqualTo(Schedule.cron("*/15 * * * *", UTC));
        assertThat(Schedule.every(Duration.ofMinutes(5)).withJitter(Duration.ofSeconds(1)))
                .isEqualTo(Schedule.every(Duration.ofMinutes(5)).withJitter(Duration.ofSeconds(1)))
                .hasSameHashCodeAs(Schedule.every(Duration.ofMinutes(5)).withJitter(Duration.ofSeconds(1)));
    }
}
