package dev.sluice.connectors.http;

import java.time.Duration;
import java.util.Optional;

/**
 * A failure of one attempt that the next attempt may not have: an I/O error, a timeout, or a status listed
 * in retry.on_status. The retry decides on these alone; everything else fails the call at once.
 */
final class Transient extends Exception {
    private final int status;
    private final Optional<Duration> retryAfter;
    private final String kind;

    private Transient(String reason, int status, Optional<Duration> retryAfter, String kind, Throwable cause) {
        super(reason, cause, false, false); // a control-flow signal: no stack trace needed
        this.status = status;
        this.retryAfter = retryAfter;
        this.kind = kind;
    }

    static Transient status(int status, String excerpt, Optional<Duration> retryAfter) {
        return new Transient("answered " + status + " (" + excerpt + ")", status, retryAfter, String.valueOf(status), null);
    }

    static Transient timeout(Duration after, String which) {
        return new Transient("timed out after " + HttpConnectionConfig.show(after) + " (" + which + ")", 0, Optional.empty(), which, null);
    }

    /** @param message the exception's message, already scrubbed */
    static Transient io(Throwable e, String message) {
        String name = e.getClass().getSimpleName();
        return new Transient("failed with " + name + (message == null || message.isBlank() ? "" : ": " + message), 0, Optional.empty(), name, e);
    }

    /** The status, or 0 for an I/O error or timeout. */
    int status() {
        return status;
    }

    Optional<Duration> retryAfter() {
        return retryAfter;
    }

    /** The status or the exception class, for a log line. */
    String kind() {
        return kind;
    }

    /** What happened, such as "answered 503 (...)" or "timed out after 30s (read timeout)". */
    String reason() {
        return getMessage();
    }
}
