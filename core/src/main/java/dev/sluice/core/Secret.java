package dev.sluice.core;

import static java.util.Objects.requireNonNull;

/** A value that must never be printed: its {@code toString} is a mask, so records that hold one cannot leak it. */
public record Secret(String value) {
    public Secret {
        requireNonNull(value, "value is null");
    }

    @Override
    public String toString() {
        return "***";
    }
}
