package dev.sluice.core.state;

import java.util.Locale;

/** The state of a window in the ledger. */
public enum WindowStatus {
    RUNNING, SUCCEEDED, FAILED,
    /** Taken off the books by {@code sluice reset}; kept for the audit trail, never planned against. */
    DISCARDED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static WindowStatus fromLabel(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
