package dev.sluice.core.window;

/** Local boundaries in the pipeline's time zone that no window crosses. */
public enum Align {
    NONE, HOUR, DAY
}
