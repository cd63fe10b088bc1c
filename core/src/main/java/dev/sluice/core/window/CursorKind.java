package dev.sluice.core.window;

import java.util.Locale;

/** What a pipeline's windows are made of. */
public enum CursorKind {
    /** Instants: windows are {@code [start, end)} time ranges. */
    TIME,
    /** Integer keys: windows are {@code [start, end)} id ranges. */
    ID,
    /** No cursor: every run takes a whole snapshot. */
    NONE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
