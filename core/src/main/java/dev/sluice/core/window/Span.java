package dev.sluice.core.window;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A length of time as a user writes it: whole calendar days plus an elapsed remainder. {@code 1d2h}
 * is one calendar day in the pipeline's time zone (23 or 25 hours on DST days) and then two elapsed
 * hours. Accepts {@code 1d2h30m20s} (any of the parts, in that order, optionally with {@code ms}) and
 * ISO-8601 durations such as {@code PT3H} or {@code P1DT6H}.
 */
public record Span(long days, Duration time) {
    private static final Pattern COMPACT = Pattern.compile(
            "(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m(?!s))?(?:(\\d+)s)?(?:(\\d+)ms)?");

    public Span {
        requireNonNull(time, "time is null");
        if (days < 0 || time.isNegative())
            throw new IllegalArgumentException("a span must not be negative");
    }

    public static Span ofDuration(Duration d) {
        return new Span(0, d);
    }

    public boolean isZero() {
        return days == 0 && time.isZero();
    }

    /** True when the span is whole calendar days. */
    public boolean wholeDays() {
        return days > 0 && time.isZero();
    }

    /** The span as elapsed time, counting a day as 24 hours. */
    public Duration approximate() {
        return Duration.ofDays(days).plus(time);
    }

    /**
     * Parses {@code 1d2h30m20s} or ISO-8601; throws {@link IllegalArgumentException} with a message
     * that shows both accepted forms.
     */
    public static Span parse(String text) {
        requireNonNull(text, "text is null");
        String s = text.trim();
        if (s.isEmpty())
            throw invalid(text);
        if (s.toUpperCase(Locale.ROOT).startsWith("P"))
            return parseIso(text, s.toUpperCase(Locale.ROOT));
        var m = COMPACT.matcher(s.toLowerCase(Locale.ROOT));
        if (!m.matches())
            throw invalid(text);
        long days = group(m.group(1));
        Duration time = Duration.ofHours(group(m.group(2)))
                .plusMinutes(group(m.group(3)))
                .plusSeconds(group(m.group(4)))
                .plusMillis(group(m.group(5)));
        return new Span(days, time);
    }

    private static Span parseIso(String original, String iso) {
        int t = iso.indexOf('T');
        String datePart = t < 0 ? iso.substring(1) : iso.substring(1, t);
        long days = 0;
        if (!datePart.isEmpty()) {
            if (!datePart.matches("\\d+D"))
                throw new IllegalArgumentException("'" + original + "' is not a supported duration: only days, hours, minutes and "
                        + "seconds are allowed (months and years have no fixed length), e.g. P1D, PT6H or 1d6h");
            days = Long.parseLong(datePart.substring(0, datePart.length() - 1));
        }
        Duration time = Duration.ZERO;
        if (t >= 0) {
            try {
                time = Duration.parse("P" + iso.substring(t));
            } catch (DateTimeParseException e) {
                throw invalid(original);
            }
        }
        if (time.isNegative())
            throw invalid(original);
        return new Span(days, time);
    }

    private static long group(String g) {
        return g == null ? 0 : Long.parseLong(g);
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("'" + text + "' is not a duration; write it as 1d2h30m20s (any of the parts) "
                + "or in ISO-8601 such as PT3H or P1D");
    }

    /** The compact form, such as {@code 1d2h30m}. */
    @Override
    public String toString() {
        if (isZero())
            return "0s";
        var b = new StringBuilder();
        if (days > 0)
            b.append(days).append('d');
        long h = time.toHours(), m = time.toMinutesPart(), sec = time.toSecondsPart(), ms = time.toMillisPart();
        if (h > 0) b.append(h).append('h');
        if (m > 0) b.append(m).append('m');
        if (sec > 0) b.append(sec).append('s');
        if (ms > 0) b.append(ms).append("ms");
        return b.toString();
    }
}
