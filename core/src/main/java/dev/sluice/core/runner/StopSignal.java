package dev.sluice.core.runner;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Asks a run to stop: no new window starts, and windows in flight are abandoned at their next page
 * (their staged output discarded, their ledger entry marked failed so the next run retries them first).
 */
public final class StopSignal {
    private final AtomicBoolean requested = new AtomicBoolean();

    public void request() {
        requested.set(true);
    }

    public boolean requested() {
        return requested.get();
    }
}
