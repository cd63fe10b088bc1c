package dev.sluice.server.alert;

import java.util.Locale;

/** How urgent an alert is; {@link #CRITICAL} is above {@link #WARNING}. */
public enum Severity {
    /** Worth a look today: the pipeline works but is drifting (a lag over its warning threshold). */
    WARNING,
    /** Data is not arriving: a window failed, a circuit opened, or a lag passed its critical threshold. */
    CRITICAL;

    /** Lower case, as in a webhook body: {@code critical}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    boolean above(Severity other) {
        return compareTo(other) > 0;
    }
}
