package dev.sluice.core.state;

import java.util.Locale;

/** Why a run happened. Backfills and replays never move the watermark. */
public enum RunKind {
    RUN, BACKFILL, RESET, REPLAY;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RunKind fromLabel(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
