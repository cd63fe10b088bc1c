package dev.sluice.core.schedule;

import static java.util.Objects.requireNonNull;

import com.cronutils.descriptor.CronDescriptor;
import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.field.CronFieldName;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.sluice.core.window.Span;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When {@code sluice serve} runs a pipeline: a cron expression read on the wall clock of a time zone,
 * or a fixed interval, plus an optional jitter that spreads the start of runs that are due together.
 * Immutable and safe to share between threads. Nothing here reads a clock: every method is given the
 * instants it works on.
 *
 * <p>Cron expressions have the five fields of Unix cron, {@code minute hour day-of-month month
 * day-of-week}, with {@code *}, lists, ranges and steps; a day-of-week of 0 or 7 is Sunday, and when
 * both day fields are restricted a day matching either runs (as in Unix cron). The macros
 * {@code @hourly}, {@code @daily} ({@code @midnight}), {@code @weekly}, {@code @monthly} and
 * {@code @yearly} ({@code @annually}) stand for their usual expressions.
 *
 * <p>Daylight saving time, which cron-utils alone gets wrong (it skips a 02:30 job altogether on the
 * day the clocks go forward, and runs it a second time after 02:30 if asked from within the repeated
 * hour): the expression is matched on local date-times, and each matching local time is then placed
 * on the time line here.
 * <ul>
 *   <li>A local time that does not exist (skipped when the clocks go forward) runs at the same wall
 *       clock time moved later by the length of the gap: a daily 02:30 in Europe/Paris runs once on the
 *       spring-forward day, at 03:30 CEST. Times that land on the same instant this way run once.</li>
 *   <li>A local time that happens twice (when the clocks go back) runs in the first pass only, so a
 *       daily 02:30 runs once, unless the hour field matches every hour (such as {@code *}): then it runs
 *       in both passes and keeps its pace, so {@code *}{@code /15 * * * *} runs 100 times on a 25-hour
 *       day (and 92 times on a 23-hour day).</li>
 * </ul>
 */
public final class Schedule {
    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final Map<String, String> MACROS = Map.of(
            "@hourly", "0 * * * *",
            "@daily", "0 0 * * *",
            "@midnight", "0 0 * * *",
            "@weekly", "0 0 * * 0",
            "@monthly", "0 0 1 * *",
            "@yearly", "0 0 1 1 *",
            "@annually", "0 0 1 1 *");
    private static final String EXAMPLES = "e.g. \"*/15 * * * *\" (every 15 minutes), \"30 2 * * *\" (02:30 every day), "
            + "\"0 9 * * 1-5\" (09:00 on weekdays) or @hourly, @daily, @weekly, @monthly";
    /** Where the sample of a cron's times starts when its shortest gap is measured: any fixed local time will do. */
    private static final LocalDateTime SAMPLE_START = LocalDateTime.of(2000, 1, 1, 0, 0);
    private static final int SAMPLE_SIZE = 50;

    private final String cron;          // as written; null for an interval
    private final ZoneId zone;          // null for an interval
    private final Cron parsed;          // macros expanded; null for an interval
    private final ExecutionTime times;  // the cron matched on a wall clock without DST; null for an interval
    private final boolean everyHour;    // the cron's hour field matches all 24 hours
    private final Duration every;       // null for a cron
    private final Duration jitter;

    private Schedule(String cron, ZoneId zone, Cron parsed, boolean everyHour, Duration every, Duration jitter) {
        this.cron = cron;
        this.zone = zone;
        this.parsed = parsed;
        this.times = parsed == null ? null : ExecutionTime.forCron(parsed);
        this.everyHour = everyHour;
        this.every = every;
        this.jitter = jitter;
    }

    /**
     * A cron schedule read on the wall clock of {@code zone}, without jitter. Throws
     * {@link IllegalArgumentException} with a message that says what is wrong with the expression and
     * shows valid ones.
     */
    public static Schedule cron(String expression, ZoneId zone) {
        requireNonNull(expression, "expression is null");
        requireNonNull(zone, "zone is null");
        String text = expression.trim();
        String expanded = MACROS.getOrDefault(text.toLowerCase(Locale.ROOT), text);
        if (expanded.startsWith("@"))
            throw invalidCron(expression, "the macros are @hourly, @daily, @midnight, @weekly, @monthly, @yearly and @annually");
        int fields = expanded.isEmpty() ? 0 : expanded.split("\\s+").length;
        if (fields != 5)
            throw invalidCron(expression, "it has " + fields + " field" + (fields == 1 ? "" : "s") + " and needs 5 (no seconds, no year)");
        Cron parsed;
        try {
            parsed = PARSER.parse(expanded).validate();
        } catch (IllegalArgumentException e) {
            throw invalidCron(expression, cronUtilsReason(e));
        }
        if (ExecutionTime.forCron(parsed).nextExecution(SAMPLE_START.atZone(ZoneOffset.UTC)).isEmpty())
            throw invalidCron(expression, "it matches no date (such as the 30th of February)");
        return new Schedule(text, zone, parsed, matchesEveryHour(parsed), null, Duration.ZERO);
    }

    /** A schedule that is due {@code every} after the previous due time, without jitter; {@code every} must be at least 1s. */
    public static Schedule every(Duration every) {
        requireNonNull(every, "every is null");
        if (every.compareTo(Duration.ofSeconds(1)) < 0)
            throw new IllegalArgumentException("an interval must be at least 1s, was " + Span.ofDuration(every.abs())
                    + (every.isNegative() ? " (negative)" : ""));
        return new Schedule(null, null, null, false, every, Duration.ZERO);
    }

    /**
     * This schedule with a jitter: each run starts up to {@code jitter} after it is due (see
     * {@link #randomDelay}). Zero means none. Throws {@link IllegalArgumentException} when the jitter is
     * negative, or not shorter than the interval or the shortest gap between two times of the cron
     * (measured on a sample of the cron's first 50 times from 2000-01-01), since a run delayed that far
     * would start after the next one is due.
     */
    public Schedule withJitter(Duration jitter) {
        requireNonNull(jitter, "jitter is null");
        if (jitter.isNegative())
            throw new IllegalArgumentException("jitter must not be negative");
        if (!jitter.isZero()) {
            Duration period = shortestPeriod();
            if (jitter.compareTo(period) >= 0)
                throw new IllegalArgumentException("jitter " + Span.ofDuration(jitter) + " must be shorter than the " + (every != null
                        ? "interval " : "shortest gap between two runs of the schedule, ") + Span.ofDuration(period)
                        + ", or a delayed run would start after the next one is due");
        }
        return new Schedule(cron, zone, parsed, everyHour, every, jitter);
    }

    /** The cron expression as written (a macro stays a macro); empty for an interval. */
    public Optional<String> cron() {
        return Optional.ofNullable(cron);
    }

    /** The time zone whose wall clock the cron expression is read on; empty for an interval. */
    public Optional<ZoneId> zone() {
        return Optional.ofNullable(zone);
    }

    /** The interval; empty for a cron schedule. */
    public Optional<Duration> every() {
        return Optional.ofNullable(every);
    }

    /** The longest delay {@link #randomDelay} adds to a due time; zero when there is none. */
    public Duration jitter() {
        return jitter;
    }

    /**
     * The first due time strictly after {@code t}: for a cron schedule its next time in its zone (with
     * the DST rules of the class comment), for an interval {@code t + every}.
     */
    public Instant nextAfter(Instant t) {
        requireNonNull(t, "t is null");
        return every != null ? t.plus(every) : nextCronTimeAfter(t);
    }

    /**
     * When the next run is due, given the due time of the previous run and the current time.
     *
     * <ul>
     *   <li>{@code lastDue} empty (the pipeline never ran on this schedule): a cron schedule is due at its
     *       next time after {@code now}; an interval is due {@code now}.</li>
     *   <li>Otherwise the next due time is {@link #nextAfter nextAfter(lastDue)}. If that is not after
     *       {@code now} it was missed (nothing ran, e.g. the service was down) and the run is due
     *       {@code now}: once, however many due times were missed, provided the caller passes the time
     *       this method returned as {@code lastDue} after running. A cron schedule then goes on from its
     *       next time after {@code now}; an interval from {@code now + every}.</li>
     * </ul>
     * The result never includes jitter: add {@link #randomDelay} when starting the run, and keep the due
     * time, not the start time, as the next {@code lastDue}.
     */
    public Instant due(Optional<Instant> lastDue, Instant now) {
        requireNonNull(lastDue, "lastDue is null");
        requireNonNull(now, "now is null");
        if (lastDue.isEmpty())
            return every != null ? now : nextAfter(now);
        Instant next = nextAfter(lastDue.get());
        return next.isAfter(now) ? next : now;
    }

    /**
     * A delay to add to a due time before starting the run, drawn uniformly from {@code [0, jitter)} at
     * nanosecond resolution from {@code random}; zero, without drawing, when the schedule has no jitter.
     */
    public Duration randomDelay(RandomGenerator random) {
        requireNonNull(random, "random is null");
        return jitter.isZero() ? Duration.ZERO : Duration.ofNanos(random.nextLong(jitter.toNanos()));
    }

    /**
     * The schedule in words for people, such as {@code every 15 minutes (Europe/Paris)} for a cron
     * schedule (in cron-utils' English description) or {@code every 5m} for an interval, followed by
     * {@code , jitter up to 30s} when there is jitter.
     */
    public String describe() {
        String what = every != null
                ? "every " + Span.ofDuration(every)
                : CronDescriptor.instance(Locale.ENGLISH).describe(parsed) + " (" + zoneName() + ")";
        return jitter.isZero() ? what : what + ", jitter up to " + Span.ofDuration(jitter);
    }

    /** The zone's name; UTC for the offset Z, which is what a pipeline without a timezone has. */
    private String zoneName() {
        return zone.equals(ZoneOffset.UTC) ? "UTC" : zone.getId();
    }

    /**
     * The next cron time after {@code t}. Candidates come from the expression matched on local
     * date-times (cron-utils in UTC, which has no DST); each is placed on the time line by the rules of
     * the class comment, and the earliest placement after {@code t} wins. Placements grow with local
     * time except for the second pass of a repeated hour, which falls before the local times after the
     * repeated hour: so the search may stop at the first placement after {@code t} of a local time that
     * is not repeated.
     */
    private Instant nextCronTimeAfter(Instant t) {
        ZoneRules rules = zone.getRules();
        // Start from the earliest local reading of t: when the clocks are about to go back, local times
        // up to the length of the overlap before t's reading still have a second pass after t.
        ZoneOffset offset = rules.getOffset(t);
        ZoneOffsetTransition coming = rules.nextTransition(t);
        if (coming != null && coming.isOverlap())
            offset = coming.getOffsetAfter();
        LocalDateTime local = LocalDateTime.ofInstant(t, offset);
        Instant best = null;
        while (true) {
            local = times.nextExecution(local.atZone(ZoneOffset.UTC))
                    .orElseThrow(() -> new IllegalStateException("cron '" + cron + "' has no time after " + t))
                    .toLocalDateTime();
            List<ZoneOffset> valid = rules.getValidOffsets(local);
            if (valid.size() == 2) {
                ZoneOffsetTransition back = rules.getTransition(local);
                best = earliestAfter(t, best, local.toInstant(back.getOffsetBefore()));
                if (everyHour)
                    best = earliestAfter(t, best, local.toInstant(back.getOffsetAfter()));
                continue;
            }
            // In a gap, atZone moves the local time later by the length of the gap.
            Instant placed = valid.isEmpty() ? local.atZone(zone).toInstant() : local.toInstant(valid.getFirst());
            if (placed.isAfter(t))
                return earliestAfter(t, best, placed);
        }
    }

    private static Instant earliestAfter(Instant t, Instant best, Instant candidate) {
        if (!candidate.isAfter(t))
            return best;
        return best == null || candidate.isBefore(best) ? candidate : best;
    }

    /** The shortest gap between two due times: the interval, or the smallest gap within a sample of the cron's times. */
    private Duration shortestPeriod() {
        if (every != null)
            return every;
        Duration shortest = null;
        LocalDateTime previous = times.nextExecution(SAMPLE_START.atZone(ZoneOffset.UTC)).orElseThrow().toLocalDateTime();
        for (int i = 1; i < SAMPLE_SIZE; i++) {
            Optional<LocalDateTime> next = times.nextExecution(previous.atZone(ZoneOffset.UTC)).map(z -> z.toLocalDateTime());
            if (next.isEmpty())
                break;
            Duration gap = Duration.between(previous, next.get());
            shortest = shortest == null || gap.compareTo(shortest) < 0 ? gap : shortest;
            previous = next.get();
        }
        return shortest == null ? Duration.ofDays(366) : shortest;
    }

    /** True when the hour field of {@code cron} matches all 24 hours, whatever way it is written ({@code *}, {@code 0-23}, ...). */
    private static boolean matchesEveryHour(Cron cron) {
        String hours = cron.retrieve(CronFieldName.HOUR).getExpression().asString();
        ExecutionTime hourly = ExecutionTime.forCron(PARSER.parse("0 " + hours + " * * *"));
        for (int h = 0; h < 24; h++)
            if (!hourly.isMatch(SAMPLE_START.withHour(h).atZone(ZoneOffset.UTC)))
                return false;
        return true;
    }

    private static String cronUtilsReason(IllegalArgumentException e) {
        String message = Objects.requireNonNullElse(e.getMessage(), "it cannot be read");
        message = message.replaceFirst("^Failed to parse cron expression\\.\\s*", "");
        message = message.isEmpty() ? message : Character.toLowerCase(message.charAt(0)) + message.substring(1);
        return message.replaceFirst("^invalid chars in expression! Expression: \\S+ Invalid chars: (\\S+)$",
                "invalid characters '$1' (use numbers, names such as MON or JAN, and * , - /)");
    }

    private static IllegalArgumentException invalidCron(String expression, String reason) {
        return new IllegalArgumentException("'" + expression + "' is not a valid cron expression: " + reason
                + "; write five fields, minute hour day-of-month month day-of-week, " + EXAMPLES);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Schedule s && Objects.equals(cron, s.cron) && Objects.equals(zone, s.zone)
                && Objects.equals(every, s.every) && jitter.equals(s.jitter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(cron, zone, every, jitter);
    }

    /** The schedule as a pipeline file would write it, such as {@code cron '*}{@code /15 * * * *' in Europe/Paris, jitter 30s}. */
    @Override
    public String toString() {
        String what = every != null ? "every " + Span.ofDuration(every) : "cron '" + cron + "' in " + zoneName();
        return jitter.isZero() ? what : what + ", jitter " + Span.ofDuration(jitter);
    }
}
