package dev.sluice.core.state;

import static java.util.Objects.requireNonNull;

import dev.sluice.core.PipelineId;
import dev.sluice.core.window.Window;
import java.time.Instant;
import java.util.Optional;

/**
 * The outcome for one entity of a pipeline that processes entities one by one (a production record, a
 * lot): so that failed keys can be listed and replayed. {@code window} is the window whose run last
 * processed the key ({@code backfill} if that was a backfill window): replaying the key runs it again.
 */
public record KeyStatus(
        PipelineId pipeline,
        String key,
        KeyOutcome outcome,
        Optional<String> reason,
        Optional<String> answeredBy,
        int attempts,
        Optional<String> errorId,
        Instant updatedAt,
        Optional<Window> window,
        boolean backfill) {
    public KeyStatus {
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(key, "key is null");
        requireNonNull(outcome, "outcome is null");
        requireNonNull(reason, "reason is null");
        requireNonNull(answeredBy, "answeredBy is null");
        requireNonNull(errorId, "errorId is null");
        requireNonNull(updatedAt, "updatedAt is null");
        requireNonNull(window, "window is null");
        if (attempts < 1)
            throw new IllegalArgumentException("attempts must be >= 1, was " + attempts);
    }

    /** A status not tied to a window (such as one written by hand or by an older version). */
    public KeyStatus(PipelineId pipeline, String key, KeyOutcome outcome, Optional<String> reason, Optional<String> answeredBy,
                     int attempts, Optional<String> errorId, Instant updatedAt) {
        this(pipeline, key, outcome, reason, answeredBy, attempts, errorId, updatedAt, Optional.empty(), false);
    }

    public enum KeyOutcome {
        SUCCEEDED, FAILED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
