package dev.sluice.testkit.demo;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A misbehaviour the demo API shows on chosen requests. Faults are values; a {@link FaultPlan} counts how often
 * each one has fired. Build one with a factory and the withers, e.g. {@code Fault.status(503).times(2).at("/cursor")},
 * or from text with {@link #parse(String)}.
 *
 * <p>By default a fault applies to every path except the open {@code /login} and {@code /oauth/token}; with a path
 * prefix it applies to the paths that start with it, whichever they are. It fires on the first matching request
 * ({@link #times(long)} raises that), on every one ({@link #always()}) or on every nth ({@link #everyNth(long)}).
 *
 * <p>The JDK {@code HttpClient} silently sends a GET (or HEAD) again, once, when the connection closes before any
 * byte of the answer: a single {@link #reset()} never reaches it, and the server counts two requests. Use
 * {@code reset().times(2)} ({@code resetx2}) to make the client see an {@code IOException}.
 *
 * @param kind what happens
 * @param duration the delay of {@code LATENCY} and {@code SLOW_BODY}, the wait announced by the 429 kinds; else zero
 * @param status the status of {@code STATUS}; else 0
 * @param pathPrefix the paths it applies to; empty means every path but {@code /login} and {@code /oauth/token}
 * @param times how many times it fires at most; {@code Long.MAX_VALUE} means without end
 * @param every it fires on every {@code every}th matching request only
 */
public record Fault(Kind kind, Duration duration, int status, Optional<String> pathPrefix, long times, long every) {
    public enum Kind {
        /** Waits before answering normally. */
        LATENCY,
        /** Answers the status with a JSON error body. */
        STATUS,
        /** Answers 429 with {@code Retry-After} in whole seconds. */
        TOO_MANY_REQUESTS,
        /** Answers 429 with {@code Retry-After} as an HTTP date that far ahead. */
        TOO_MANY_REQUESTS_DATE,
        /** Closes the connection without answering. */
        RESET,
        /** Sends the headers with the full {@code Content-Length}, half the body, then closes the connection. */
        TRUNCATED,
        /** Answers 200 with the body made invalid JSON just before its closing bracket. */
        MALFORMED,
        /** Sends headers at once, then the body in ten chunks, each after a pause of {@code duration}. */
        SLOW_BODY,
        /** On the cursor, link and link-header styles, names the requested page itself as the next one. */
        REPEAT_CURSOR
    }

    private static final Pattern COUNT = Pattern.compile("(.+?)x(\\d+)");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m)");
    private static final String GRAMMAR = "use one of 500 (any status 400-599), 429, 429:2s, 429:date, 429:date:2s, "
            + "reset, truncated, malformed, slow:200ms, latency:50ms, repeat-cursor; then optionally xN, "
            + "',always' or ',every:N', and '@/path-prefix', e.g. 503x2@/cursor";

    public Fault {
        requireNonNull(kind, "kind is null");
        requireNonNull(duration, "duration is null");
        requireNonNull(pathPrefix, "pathPrefix is null");
        if (duration.isNegative())
            throw new IllegalArgumentException("fault duration must be >= 0, got " + duration);
        if (kind == Kind.STATUS ? status < 400 || status > 599 : status != 0)
            throw new IllegalArgumentException("only a STATUS fault has a status, which must be 400 to 599; got " + kind + " " + status);
        if (pathPrefix.isPresent() && !pathPrefix.get().startsWith("/"))
            throw new IllegalArgumentException("fault path prefix must start with '/', got '" + pathPrefix.get() + "'");
        if (times < 1 || every < 1)
            throw new IllegalArgumentException("fault must fire at least once and every >= 1 requests, got times " + times + ", every " + every);
    }

    public static Fault latency(Duration delay) {
        return of(Kind.LATENCY, delay);
    }

    public static Fault status(int code) {
        return new Fault(Kind.STATUS, Duration.ZERO, code, Optional.empty(), 1, 1);
    }

    /** 429 with {@code Retry-After: <seconds>}, rounded up to whole seconds. */
    public static Fault tooManyRequests(Duration retryAfter) {
        return of(Kind.TOO_MANY_REQUESTS, retryAfter);
    }

    /** 429 with {@code Retry-After: <HTTP date>}, the first whole second at least {@code retryAfter} from now. */
    public static Fault tooManyRequestsWithDate(Duration retryAfter) {
        return of(Kind.TOO_MANY_REQUESTS_DATE, retryAfter);
    }

    public static Fault reset() {
        return of(Kind.RESET, Duration.ZERO);
    }

    public static Fault truncated() {
        return of(Kind.TRUNCATED, Duration.ZERO);
    }

    public static Fault malformed() {
        return of(Kind.MALFORMED, Duration.ZERO);
    }

    public static Fault slowBody(Duration perChunk) {
        return of(Kind.SLOW_BODY, perChunk);
    }

    public static Fault repeatCursor() {
        return of(Kind.REPEAT_CURSOR, Duration.ZERO);
    }

    private static Fault of(Kind kind, Duration duration) {
        return new Fault(kind, duration, 0, Optional.empty(), 1, 1);
    }

    public Fault times(long n) {
        return new Fault(kind, duration, status, pathPrefix, n, every);
    }

    public Fault always() {
        return new Fault(kind, duration, status, pathPrefix, Long.MAX_VALUE, 1);
    }

    /** Fires on the nth, 2nth, 3rd... matching request, without end unless {@link #times(long)} follows. */
    public Fault everyNth(long n) {
        return new Fault(kind, duration, status, pathPrefix, Long.MAX_VALUE, n);
    }

    public Fault at(String prefix) {
        return new Fault(kind, duration, status, Optional.of(requireNonNull(prefix, "prefix is null")), times, every);
    }

    boolean appliesTo(String path, boolean cursorStyle) {
        if (kind == Kind.REPEAT_CURSOR && !cursorStyle)
            return false;
        return pathPrefix.map(path::startsWith).orElse(!path.equals("/login") && !path.equals("/oauth/token"));
    }

    /**
     * Reads a fault from text, as {@code sluice demo-api --fault} takes it:
     * <pre>
     * spec   = action [ "x" N ] [ "," ( "always" | "every:" N ) ] [ "@" prefix ]
     * action = status | "429" [ ":" duration | ":date" [ ":" duration ] ] | "reset" | "truncated" | "malformed"
     *        | "slow:" duration | "latency:" duration | "repeat-cursor"
     * status = 400 to 599          duration = digits ( "ms" | "s" | "m" )
     * </pre>
     * {@code 429} alone waits 1s. {@code xN} fires N times (default once), {@code always} without end,
     * {@code every:N} on every Nth matching request. Examples: {@code 500x2@/cursor}, {@code 429:date},
     * {@code slow:200ms,always}, {@code 503,every:3@/page}.
     *
     * @throws IllegalArgumentException naming what is wrong and the accepted forms
     */
    public static Fault parse(String spec) {
        requireNonNull(spec, "spec is null");
        String rest = spec.strip();
        String prefix = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            prefix = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!prefix.startsWith("/"))
                throw new IllegalArgumentException("bad fault '" + spec + "': the path prefix after '@' must start with '/'");
        }
        rest = rest.toLowerCase(Locale.ROOT);
        String when = null;
        int comma = rest.indexOf(',');
        if (comma >= 0) {
            when = rest.substring(comma + 1).strip();
            rest = rest.substring(0, comma);
        }
        long times = 1;
        var count = COUNT.matcher(rest.strip());
        if (count.matches()) {
            rest = count.group(1);
            times = Long.parseLong(count.group(2));
        }
        Fault fault = action(rest.strip(), spec).times(times);
        if (when != null) {
            if (when.equals("always") && !count.matches())
                fault = fault.always();
            else if (when.startsWith("every:") && when.substring(6).matches("\\d+"))
                fault = new Fault(fault.kind, fault.duration, fault.status, fault.pathPrefix,
                        count.matches() ? times : Long.MAX_VALUE, Long.parseLong(when.substring(6)));
            else
                throw new IllegalArgumentException("bad fault '" + spec + "': after ',' put 'always' (without xN) or 'every:N'");
        }
        return prefix == null ? fault : fault.at(prefix);
    }

    private static Fault action(String action, String spec) {
        if (action.matches("\\d{3}")) {
            int code = Integer.parseInt(action);
            if (code == 429)
                return tooManyRequests(Duration.ofSeconds(1));
            if (code < 400 || code > 599)
                throw new IllegalArgumentException("bad fault '" + spec + "': a status must be 400 to 599");
            return status(code);
        }
        return switch (action) {
            case "reset" -> reset();
            case "truncated" -> truncated();
            case "malformed" -> malformed();
            case "repeat-cursor" -> repeatCursor();
            case "429:date" -> tooManyRequestsWithDate(Duration.ofSeconds(1));
            default -> {
                if (action.startsWith("429:date:"))
                    yield tooManyRequestsWithDate(duration(action.substring(9), spec));
                if (action.startsWith("429:"))
                    yield tooManyRequests(duration(action.substring(4), spec));
                if (action.startsWith("slow:"))
                    yield slowBody(duration(action.substring(5), spec));
                if (action.startsWith("latency:"))
                    yield latency(duration(action.substring(8), spec));
                throw new IllegalArgumentException("unknown fault '" + action + "'; " + GRAMMAR);
            }
        };
    }

    private static Duration duration(String text, String spec) {
        var m = DURATION.matcher(text);
        if (!m.matches())
            throw new IllegalArgumentException("bad duration '" + text + "' in fault '" + spec + "'; use e.g. 200ms, 2s or 1m");
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            default -> Duration.ofMinutes(n);
        };
    }

    /** The spec {@link #parse(String)} reads back into an equal fault (durations in whole milliseconds). */
    @Override
    public String toString() {
        String action = switch (kind) {
            case LATENCY -> "latency:" + text(duration);
            case STATUS -> Integer.toString(status);
            case TOO_MANY_REQUESTS -> "429:" + text(duration);
            case TOO_MANY_REQUESTS_DATE -> "429:date:" + text(duration);
            case RESET -> "reset";
            case TRUNCATED -> "truncated";
            case MALFORMED -> "malformed";
            case SLOW_BODY -> "slow:" + text(duration);
            case REPEAT_CURSOR -> "repeat-cursor";
        };
        String count = times == Long.MAX_VALUE || times == 1 && every == 1 ? "" : "x" + times;
        String when = every > 1 ? ",every:" + every : times == Long.MAX_VALUE ? ",always" : "";
        return action + count + when + pathPrefix.map(p -> "@" + p).orElse("");
    }

    private static String text(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
