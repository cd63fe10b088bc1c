package dev.sluice.connectors.http;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A client-side rate limit: at most {@code permits} calls per {@code period}, written 200/s, 600/min or
 * 10/1s in a pipeline file.
 */
record Rate(long permits, Duration period) {
    private static final Pattern SYNTAX = Pattern.compile("(\\d[\\d_]*)\\s*/\\s*(\\d*)\\s*(ms|s|sec|second|m|min|minute|h|hour|d|day)");

    Rate {
        requireNonNull(period, "period is null");
        if (permits < 1)
            throw new IllegalArgumentException("a rate needs at least 1 call per period, was " + permits);
        if (period.isNegative() || period.isZero())
            throw new IllegalArgumentException("a rate's period must be > 0, was " + period);
    }

    /** Parses 200/s, 600/min, 10/1s or 5/2m; the message of the exception says how to write one. */
    static Rate parse(String text) {
        var m = SYNTAX.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches())
            throw new IllegalArgumentException("'" + text + "' is not a rate; write 200/s or 600/min");
        long permits = Long.parseLong(m.group(1).replace("_", ""));
        long count = m.group(2).isEmpty() ? 1 : Long.parseLong(m.group(2));
        Duration unit = switch (m.group(3)) {
            case "ms" -> Duration.ofMillis(1);
            case "s", "sec", "second" -> Duration.ofSeconds(1);
            case "m", "min", "minute" -> Duration.ofMinutes(1);
            case "h", "hour" -> Duration.ofHours(1);
            default -> Duration.ofDays(1);
        };
        if (permits < 1 || count < 1)
            throw new IllegalArgumentException("'" + text + "' is not a rate: both numbers must be at least 1, e.g. 200/s");
        return new Rate(permits, unit.multipliedBy(count));
    }

    /**
     * The time between two permits. Handing out one permit per interval, rather than all of a period's
     * permits at its start, keeps the calls evenly spaced, so a server that allows bursts of a tenth of
     * the rate never sees more than that.
     */
    Duration interval() {
        return Duration.ofNanos(Math.max(1, period.toNanos() / permits));
    }

    @Override
    public String toString() {
        return permits + "/" + HttpConnectionConfig.show(period);
    }
}
