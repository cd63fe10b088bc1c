package dev.sluice.core.window;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Plans windows: a pure function of the settings, the position to continue from and now. No I/O, no
 * clock, no state: the same inputs always give the same windows (DESIGN.md section 1).
 *
 * <p>For a time cursor the windows tile {@code [from, upper)} where {@code upper} is the least of
 * {@code now - lag}, {@code end} and, with a target day, the day's end. Each window is {@code size}
 * long (whole days on the local calendar, the rest as elapsed time) unless it is cut by a local
 * alignment boundary or by {@code upper}.
 */
public final class Planner {
    private Planner() {
    }

    /**
     * @param from where to continue: the watermark (or the frontier of windows already on the books);
     *             empty to start at the configured start
     */
    public static Plan plan(WindowSettings s, Optional<Instant> fromTime, Optional<Long> fromId, Instant now) {
        return switch (s.cursor()) {
            case TIME -> planTime(s, fromTime, now);
            case ID -> planIds(s, fromId);
            case NONE -> new Plan(List.of(new SnapshotWindow(now)), Plan.Outcome.WINDOWS, "a snapshot");
        };
    }

    static Plan planTime(WindowSettings s, Optional<Instant> from, Instant now) {
        Instant lower;
        Instant upper = now.minus(s.lag());
        String upperIs = "now minus lag";
        boolean upperMoves = true; // now minus lag moves on; a window it cuts would be longer on a later run
        if (s.targetDayBack().isPresent()) {
            LocalDate day = targetDay(now, s.targetDayBack().get(), s.zone());
            Instant dayStart = day.atStartOfDay(s.zone()).toInstant();
            Instant end = day.plusDays(1).atStartOfDay(s.zone()).toInstant();
            if (from.isPresent() && !from.get().isBefore(end))
                return new Plan(List.of(), Plan.Outcome.DAY_COMPLETE, "target day " + day + " (" + s.zone().getId()
                        + ") is already complete: the watermark " + from.get() + " is at or after its end " + end);
            // A watermark before the day means nothing of the day is done yet: start at its start.
            lower = from.filter(f -> f.isAfter(dayStart)).orElse(dayStart);
            if (end.isBefore(upper)) {
                upper = end;
                upperIs = "the end of the target day";
                upperMoves = false;
            }
        } else {
            lower = from.orElseGet(() -> s.startTime().orElseThrow());
            if (s.endTime().isPresent() && s.endTime().get().isBefore(upper)) {
                upper = s.endTime().get();
                upperIs = "the upper bound";
                upperMoves = false;
            }
        }
        if (!lower.isBefore(upper))
            return new Plan(List.of(), Plan.Outcome.UP_TO_DATE, "up to date: the watermark " + lower + " has reached " + upperIs + " " + upper);
        int max = s.maxWindows().orElse(Integer.MAX_VALUE);
        var windows = new ArrayList<Window>();
        Instant cur = lower;
        while (cur.isBefore(upper) && windows.size() < max) {
            Instant whole = whole(cur, s);
            if (whole.isAfter(upper) && upperMoves && !s.partial()) {
                if (windows.isEmpty())
                    return new Plan(List.of(), Plan.Outcome.UP_TO_DATE, "up to date: the next window starts at " + cur
                            + " and is not whole before now minus lag reaches " + whole + " (partial: false)");
                break;
            }
            Instant end = whole.isAfter(upper) ? upper : whole;
            windows.add(new TimeWindow(cur, end));
            cur = end;
        }
        return new Plan(windows, Plan.Outcome.WINDOWS, windows.size() + " window(s) from " + lower + " to " + cur);
    }

    /** Where the window from {@code cur} ends when only its size and the alignment cut it ({@link Instant#MAX} when neither does). */
    private static Instant whole(Instant cur, WindowSettings s) {
        Instant end = s.size().map(size -> advance(cur, size, s.zone())).orElse(Instant.MAX);
        Optional<Instant> boundary = nextBoundary(cur, s.align(), s.zone());
        return boundary.filter(end::isAfter).orElse(end);
    }

    static Plan planIds(WindowSettings s, Optional<Long> from) {
        long lower = from.orElse(s.startId().orElseThrow());
        long upper = s.endId().orElseThrow();
        if (lower >= upper)
            return new Plan(List.of(), Plan.Outcome.UP_TO_DATE, "up to date: the watermark " + lower + " has reached the end " + upper);
        int max = s.maxWindows().orElse(Integer.MAX_VALUE);
        long size = s.idSize().orElse(upper - lower);
        var windows = new ArrayList<Window>();
        long cur = lower;
        while (cur < upper && windows.size() < max) {
            long end = upper - cur <= size ? upper : cur + size;
            windows.add(new IdWindow(cur, end));
            cur = end;
        }
        return new Plan(windows, Plan.Outcome.WINDOWS, windows.size() + " window(s) from id " + lower + " to " + cur);
    }

    /** The local day that contains {@code now - back}: {@code back} whole days on the calendar, the rest elapsed. */
    public static LocalDate targetDay(Instant now, Span back, ZoneId zone) {
        return now.minus(back.time()).atZone(zone).minusDays(back.days()).toLocalDate();
    }

    /** {@code t + span}: whole days on the local calendar of {@code zone}, then the rest as elapsed time. */
    public static Instant advance(Instant t, Span span, ZoneId zone) {
        Instant afterDays = span.days() == 0 ? t : t.atZone(zone).plusDays(span.days()).toInstant();
        return afterDays.plus(span.time());
    }

    /**
     * The first alignment boundary strictly after {@code t}: the next local midnight for {@code DAY};
     * for {@code HOUR}, the next instant whose local time is a whole hour, or an offset change (DST)
     * if that comes first, since the local clock jumps there.
     */
    public static Optional<Instant> nextBoundary(Instant t, Align align, ZoneId zone) {
        return switch (align) {
            case NONE -> Optional.empty();
            case DAY -> Optional.of(t.atZone(zone).toLocalDate().plusDays(1).atStartOfDay(zone).toInstant());
            case HOUR -> Optional.of(nextHour(t, zone));
        };
    }

    private static Instant nextHour(Instant t, ZoneId zone) {
        ZonedDateTime local = t.atZone(zone);
        long offset = local.getOffset().getTotalSeconds();
        long localSeconds = t.getEpochSecond() + offset;
        long nextWholeHour = Math.floorDiv(localSeconds, 3600) * 3600 + 3600;
        Instant candidate = Instant.ofEpochSecond(nextWholeHour - offset);
        ZoneOffsetTransition transition = zone.getRules().nextTransition(t);
        if (transition != null && transition.getInstant().isBefore(candidate))
            return transition.getInstant();
        return candidate;
    }
}
