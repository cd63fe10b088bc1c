package dev.sluice.server.alert;

import java.util.Locale;
import java.util.Optional;

/**
 * What is wrong with a pipeline. Each condition of a pipeline is one incident at a time: raised when the
 * service sees it, cleared when it no longer holds.
 */
public enum Condition {
    /**
     * A window failed after its retries. Raise it as {@link Severity#CRITICAL} with the error id of the
     * failure; clear it when a window of the pipeline succeeds.
     */
    WINDOW_FAILED("window failed"),
    /**
     * A connection's circuit breaker opened: the endpoint failed most recent calls, so calls to it are
     * paused. Raise it as {@link Severity#CRITICAL}; clear it when the circuit closes.
     */
    CIRCUIT_OPEN("circuit breaker open"),
    /**
     * Now minus the pipeline's watermark passed a threshold. Raise it with the severity of the threshold
     * passed (warning or critical); clear it when the lag is under the lowest threshold again.
     */
    LAG("lag over threshold"),
    /**
     * Records were set aside as failed keys because a request of a dependent step failed after its
     * retries ({@code on_failure: record_key} lets the window commit without them). Raise it as
     * {@link Severity#CRITICAL} when the API was unavailable, else as a warning, with the error id of a
     * failed key; clear it when a run of the pipeline had no such failure.
     */
    REQUESTS_FAILED("requests failed");

    private final String label;

    Condition(String label) {
        this.label = label;
    }

    /** Words for a subject line: {@code window failed}. */
    public String label() {
        return label;
    }

    /** Lower case, as in a webhook body: {@code window_failed}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** What the person who reads the alert should do, for this pipeline and error id. */
    String nextSteps(String pipeline, Optional<String> errorId) {
        String lookUp = errorId.map(id -> "Look up error " + id + " with `sluice status` on the pipeline's file or GET /api/v1/errors/" + id + ". ")
                .orElse("See the failed windows and their error ids with `sluice status` on the pipeline's file or on the dashboard. ");
        return switch (this) {
            case WINDOW_FAILED -> lookUp + "The failed window is retried on the next run of " + pipeline
                    + "; to retry it now, run the pipeline from the dashboard.";
            case CIRCUIT_OPEN -> "The endpoint refuses or fails most calls, so " + pipeline + " has paused calling it. "
                    + "Check the API's status (its status page or its owners). Calls resume by themselves after the breaker's wait "
                    + "(circuit_breaker.open_for of the connection), and the next runs catch up." + errorId.map(id -> " The last error is " + id + ".").orElse("");
            case LAG -> pipeline + " is behind: its watermark is further from now than the threshold. Check its recent runs "
                    + "(`sluice history` on its file, or the dashboard) for failed or slow windows, and whether it is enabled; "
                    + "a window that keeps failing holds the watermark back.";
            case REQUESTS_FAILED -> "The records whose requests failed were left out and are on the books as failed keys; "
                    + "`sluice status` on the pipeline's file (or the dashboard) lists them with their reasons. "
                    + lookUp + "Check the API's status; once it answers again, process them again with "
                    + "`sluice replay FILE --failed-keys` or the dashboard's Replay keys.";
        };
    }

    /** What a recovery notice says to do: mostly nothing. */
    String recoverySteps(String pipeline) {
        return switch (this) {
            case WINDOW_FAILED -> "Nothing to do: a window of " + pipeline + " succeeded again. A window still marked failed is retried "
                    + "on the next runs; `sluice status` on the pipeline's file lists them.";
            case CIRCUIT_OPEN -> "Nothing to do: the circuit closed and calls to the endpoint go through again.";
            case LAG -> "Nothing to do: " + pipeline + " is within its lag threshold again.";
            case REQUESTS_FAILED -> "Nothing to do for new records: a run of " + pipeline + " had no failed requests. Keys that "
                    + "failed earlier stay failed until they are replayed (`sluice replay FILE --failed-keys`).";
        };
    }
}
