package dev.sluice.core.state;

import java.util.Locale;

/** How a run ended, or that it has not. */
public enum RunStatus {
    RUNNING, SUCCEEDED, UP_TO_DATE, FAILED, INTERRUPTED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RunStatus fromLabel(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
