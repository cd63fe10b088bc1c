package dev.sluice.cli;

import dev.sluice.core.SluiceException;

/** The exit codes of every command, and how an error maps to one. */
final class ExitCodes {
    static final int OK = 0;
    static final int WINDOW_FAILED = 1;
    static final int USAGE = 2;
    static final int STATE = 3;
    static final int INTERRUPTED = 130;

    private ExitCodes() {
    }

    static int of(SluiceException e) {
        return switch (e.code()) {
            case CONFIG_INVALID, USAGE -> USAGE;
            case STATE_UNAVAILABLE, STATE_INCOMPATIBLE, STATE_LEASE_HELD, STATE_CONFLICT -> STATE;
            case RUN_INTERRUPTED -> INTERRUPTED;
            default -> WINDOW_FAILED;
        };
    }
}
