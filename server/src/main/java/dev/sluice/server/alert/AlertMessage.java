package dev.sluice.server.alert;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One message about an incident, the same for every channel: each channel only lays it out (an e-mail's
 * subject and body, a webhook's JSON).
 *
 * @param severity for a recovery, the highest severity the incident was sent with
 * @param errorId of this raise; for a recovery, of the latest raise that had one
 * @param at when the raise (or the clear) was seen
 * @param occurrences raises since the previous message of the incident, this one included; for a recovery, all of them
 * @param previousMessage when the previous message of the incident went out (reminders and escalations)
 * @param lasted from the first raise to the clear (recoveries)
 */
record AlertMessage(Kind kind, Severity severity, Incident incident, Optional<String> errorId, Instant at, String summary,
                    Map<String, String> details, long occurrences, Optional<Instant> previousMessage, Optional<Duration> lasted,
                    Duration throttle, Optional<URI> dashboard) {

    enum Kind {
        /** The first raise of an incident. */
        OPENED,
        /** Raises after a throttle period without a message. */
        REMINDER,
        /** A raise with a higher severity than the incident was sent with. */
        ESCALATED,
        /** The clear. */
        RESOLVED
    }

    private static final int WIDTH = 76;

    AlertMessage {
        requireNonNull(kind, "kind is null");
        requireNonNull(severity, "severity is null");
        requireNonNull(incident, "incident is null");
        requireNonNull(errorId, "errorId is null");
        requireNonNull(at, "at is null");
        requireNonNull(summary, "summary is null");
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
        requireNonNull(previousMessage, "previousMessage is null");
        requireNonNull(lasted, "lasted is null");
        requireNonNull(throttle, "throttle is null");
        requireNonNull(dashboard, "dashboard is null");
    }

    boolean resolved() {
        return kind == Kind.RESOLVED;
    }

    /** {@code firing} or {@code resolved}. */
    String status() {
        return resolved() ? "resolved" : "firing";
    }

    /** {@code CRITICAL}, {@code WARNING} or {@code RESOLVED}: the tag a subject starts with. */
    String tag() {
        return resolved() ? "RESOLVED" : severity.name();
    }

    /** Such as {@code [CRITICAL] sluice: pipeline orders: window failed (INC-7K2M9QXA)}. */
    String subject() {
        return "[" + tag() + "] sluice: " + headline();
    }

    /** Such as {@code pipeline orders: window failed (INC-7K2M9QXA)}. */
    String headline() {
        String what = "pipeline " + incident.pipeline() + ": " + incident.condition().label();
        String id = " (" + incident.id() + ")";
        return switch (kind) {
            case OPENED -> what + id;
            case REMINDER -> what + ", " + occurrences + (occurrences == 1 ? " more time" : " more times") + id;
            case ESCALATED -> what + ", now " + severity.label() + id;
            case RESOLVED -> what + id + ", resolved after " + show(lasted.orElse(Duration.ZERO));
        };
    }

    String nextSteps() {
        return resolved() ? incident.condition().recoverySteps(incident.pipeline())
                : incident.condition().nextSteps(incident.pipeline(), errorId);
    }

    /** The plain-text body of an e-mail. */
    String text() {
        var out = new StringBuilder();
        out.append(tag()).append(": ").append(headline()).append("\n\n");
        out.append(wrap(summary, "")).append("\n\n");
        line(out, "Severity", severity.label() + (resolved() ? " (the highest it reached)" : ""));
        line(out, "Pipeline", incident.pipeline());
        line(out, "Condition", incident.condition().label() + " (" + incident.condition().name() + ")");
        line(out, "Incident", incident.id() + ", opened " + show(incident.openedAt()));
        errorId.ifPresent(id -> line(out, resolved() ? "Last error id" : "Error id", id));
        line(out, resolved() ? "Resolved" : "When", show(at));
        lasted.ifPresent(d -> line(out, "Lasted", show(d)));
        line(out, "Occurrences", occurrencesText());
        if (!details.isEmpty()) {
            out.append("\nDetails:\n");
            details.forEach((k, v) -> out.append("  ").append(k).append(": ").append(v).append('\n'));
        }
        out.append("\nWhat to do next:\n").append(wrap(nextSteps(), "  ")).append('\n');
        dashboard.ifPresent(d -> out.append("\nDashboard: ").append(d).append('\n'));
        out.append("\n-- \n").append(wrap(resolved()
                ? "Sent by sluice. A new occurrence opens a new incident."
                : "Sent by sluice. While " + incident.id() + " is open, repeats are sent at most once every " + show(throttle)
                + " (alerts.throttle), and a recovery notice follows when it clears.", "")).append('\n');
        return out.toString();
    }

    /** Such as "4 since the last message at 2026-05-01T10:00:00Z (12 in all)". */
    String occurrencesText() {
        return switch (kind) {
            case OPENED -> "1";
            case REMINDER, ESCALATED -> occurrences + " since the last message" + previousMessage.map(p -> " at " + show(p)).orElse("")
                    + " (" + incident.occurrences() + " in all)";
            case RESOLVED -> occurrences + " in all";
        };
    }

    static String show(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** A duration as a person reads it, to its two largest units: 42m10s, 1h5m, 2d3h (250ms below a second). */
    static String show(Duration d) {
        if (d.isNegative())
            return "0s";
        if (d.toSeconds() == 0 && !d.isZero())
            return d.toMillis() + "ms";
        long s = d.toSeconds();
        long[] amounts = {s / 86_400, s % 86_400 / 3600, s % 3600 / 60, s % 60};
        String[] units = {"d", "h", "m", "s"};
        var out = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < amounts.length && shown < 2; i++) {
            if (amounts[i] == 0) {
                if (shown > 0)
                    break; // 1h0m5s reads as 1h
                continue;
            }
            out.append(amounts[i]).append(units[i]);
            shown++;
        }
        return out.isEmpty() ? "0s" : out.toString();
    }

    private static void line(StringBuilder out, String label, String value) {
        out.append(String.format(Locale.ROOT, "%-14s %s\n", label + ":", value));
    }

    /** Breaks each line of text at spaces into lines of at most {@value #WIDTH} characters, each starting with {@code indent}. */
    private static String wrap(String text, String indent) {
        var out = new StringBuilder();
        for (String paragraph : text.split("\n", -1)) {
            if (!out.isEmpty())
                out.append('\n');
            var line = new StringBuilder(indent);
            for (String word : paragraph.split(" ")) {
                if (line.length() > indent.length() && line.length() + 1 + word.length() > WIDTH) {
                    out.append(line).append('\n');
                    line.setLength(0);
                    line.append(indent);
                }
                if (line.length() > indent.length())
                    line.append(' ');
                line.append(word);
            }
            out.append(line);
        }
        return out.toString();
    }
}
