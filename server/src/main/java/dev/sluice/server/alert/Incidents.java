package dev.sluice.server.alert;

import static java.util.Objects.requireNonNull;

import dev.sluice.server.alert.AlertMessage.Kind;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The open incidents and the throttling rules: which raise or clear becomes a message. Not thread-safe:
 * the {@link Alerter} calls it under its lock. {@code now} is the clock's time and governs throttling;
 * the events' own times are what the messages show.
 */
final class Incidents {
    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private record Key(String pipeline, Condition condition) {
    }

    /** An incident while open; its counts change with every raise. */
    private static final class Open {
        final String id;
        final Instant openedAt;
        Severity severity;
        Severity sent;          // the highest severity a message of this incident went out with
        Instant lastMessage;    // clock time of the latest message
        Instant lastAt;
        long occurrences = 1;
        long unsent;            // raises since the latest message
        Optional<String> lastErrorId;

        Open(String id, AlertEvent first, Instant now) {
            this.id = id;
            this.openedAt = first.at();
            this.severity = first.severity();
            this.sent = first.severity();
            this.lastMessage = now;
            this.lastAt = first.at();
            this.lastErrorId = first.errorId();
        }

        Incident snapshot(Key key) {
            return new Incident(id, key.pipeline(), key.condition(), severity, openedAt, lastAt, occurrences, lastErrorId);
        }
    }

    private final Duration throttle;
    private final Optional<URI> dashboard;
    private final Map<Key, Open> open = new HashMap<>();

    Incidents(Duration throttle, Optional<URI> dashboard) {
        this.throttle = requireNonNull(throttle, "throttle is null");
        this.dashboard = requireNonNull(dashboard, "dashboard is null");
    }

    /** Counts the raise, opening an incident if none is open, and returns the message it calls for, if any. */
    Optional<AlertMessage> raise(AlertEvent e, Instant now) {
        var key = new Key(e.pipeline(), e.condition());
        Open o = open.get(key);
        if (o == null) {
            o = new Open(newId(), e, now);
            open.put(key, o);
            return Optional.of(message(Kind.OPENED, e, o, key, 1, Optional.empty()));
        }
        o.occurrences++;
        o.unsent++;
        o.severity = e.severity();
        o.lastAt = e.at();
        if (e.errorId().isPresent())
            o.lastErrorId = e.errorId();
        Kind kind;
        if (e.severity().above(o.sent))
            kind = Kind.ESCALATED;
        else if (!now.isBefore(o.lastMessage.plus(throttle)))
            kind = Kind.REMINDER;
        else
            return Optional.empty();
        var m = message(kind, e, o, key, o.unsent, Optional.of(o.lastMessage));
        if (kind == Kind.ESCALATED)
            o.sent = e.severity();
        o.lastMessage = now;
        o.unsent = 0;
        return Optional.of(m);
    }

    /** Closes the incident of this pipeline and condition, if one is open, and returns its recovery notice. */
    Optional<AlertMessage> clear(Condition condition, String pipeline, Instant at) {
        var key = new Key(pipeline, condition);
        Open o = open.remove(key);
        if (o == null)
            return Optional.empty();
        Duration lasted = Duration.between(o.openedAt, at);
        if (lasted.isNegative())
            lasted = Duration.ZERO; // a clear reported with an earlier time than the raise
        String summary = "The incident is over after " + AlertMessage.show(lasted) + "; " + condition.label() + " occurred "
                + (o.occurrences == 1 ? "once." : o.occurrences + " times.");
        return Optional.of(new AlertMessage(Kind.RESOLVED, o.sent, o.snapshot(key), o.lastErrorId, at, summary, Map.of(), o.occurrences,
                Optional.empty(), Optional.of(lasted), throttle, dashboard));
    }

    /** The open incidents, oldest first. */
    List<Incident> open() {
        var out = new ArrayList<Incident>();
        open.forEach((k, o) -> out.add(o.snapshot(k)));
        out.sort(Comparator.comparing(Incident::openedAt).thenComparing(Incident::id));
        return List.copyOf(out);
    }

    private AlertMessage message(Kind kind, AlertEvent e, Open o, Key key, long occurrences, Optional<Instant> previous) {
        return new AlertMessage(kind, e.severity(), o.snapshot(key), e.errorId(), e.at(), e.summary(), e.details(), occurrences, previous,
                Optional.empty(), throttle, dashboard);
    }

    /** {@code INC-} and 40 random bits in base32, unique among the open incidents. */
    private String newId() {
        while (true) {
            long bits = ThreadLocalRandom.current().nextLong();
            var id = new StringBuilder("INC-");
            for (int i = 0; i < 8; i++, bits >>>= 5)
                id.append(BASE32.charAt((int) (bits & 31)));
            String candidate = id.toString();
            if (open.values().stream().noneMatch(o -> o.id.equals(candidate)))
                return candidate;
        }
    }
}
