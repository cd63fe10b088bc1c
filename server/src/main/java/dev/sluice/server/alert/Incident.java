package dev.sluice.server.alert;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * An open incident: one condition of one pipeline, from its first raise until it is cleared.
 *
 * @param id {@code INC-} and 8 characters, the same in every message of the incident
 * @param severity of the latest raise
 * @param openedAt when the first raise saw the condition
 * @param lastAt when the latest raise saw it
 * @param occurrences raises in all, the first included
 * @param lastErrorId the error id of the latest raise that had one
 */
public record Incident(String id, String pipeline, Condition condition, Severity severity, Instant openedAt, Instant lastAt,
                       long occurrences, Optional<String> lastErrorId) {
    public Incident {
        requireNonNull(id, "id is null");
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(condition, "condition is null");
        requireNonNull(severity, "severity is null");
        requireNonNull(openedAt, "openedAt is null");
        requireNonNull(lastAt, "lastAt is null");
        if (occurrences < 1)
            throw new IllegalArgumentException("occurrences must be at least 1, was " + occurrences);
        requireNonNull(lastErrorId, "lastErrorId is null");
    }
}
