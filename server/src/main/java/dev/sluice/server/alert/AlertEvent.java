package dev.sluice.server.alert;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One report that a condition holds for a pipeline, as the service saw it.
 *
 * @param pipeline the pipeline's name, as in its file
 * @param severity how urgent; an incident whose severity goes up is sent again at once
 * @param errorId the error id of the failure ({@code E-...}), which a user looks up with {@code sluice status}
 *                or the API; empty when there is none (a lag)
 * @param summary one line on what happened, such as "GET /v1/orders returned 503 after 5 attempts"; never a secret
 * @param details more facts, shown in file order under the summary (window, connection, lag, ...); never secrets
 * @param at when the condition was seen
 */
public record AlertEvent(Condition condition, String pipeline, Severity severity, Optional<String> errorId, String summary,
                         Map<String, String> details, Instant at) {
    public AlertEvent {
        requireNonNull(condition, "condition is null");
        requireNonNull(pipeline, "pipeline is null");
        if (pipeline.isBlank())
            throw new IllegalArgumentException("pipeline is blank");
        requireNonNull(severity, "severity is null");
        requireNonNull(errorId, "errorId is null");
        requireNonNull(summary, "summary is null");
        requireNonNull(details, "details is null");
        details.forEach((k, v) -> requireNonNull(v, "details." + k + " is null"));
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
        requireNonNull(at, "at is null");
    }
}
