package dev.sluice.core.runner;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Asks a run to stop, in one of two ways. {@link #drain()}: no new window starts, and the windows in
 * flight go on to their commit. {@link #request()}: in addition, windows in flight are abandoned at
 * their next page (their staged output discarded, their ledger entry marked failed so the next run
 * retries them first). Either way the run ends with the books consistent.
 */
public final class StopSignal {
    private final AtomicBoolean requested = new AtomicBoolean();
    private final AtomicBoolean draining = new AtomicBoolean();

    /** Stops now: no new window, and windows in flight abandoned at their next page. */
    public void request() {
        draining.set(true);
        requested.set(true);
    }

    /** Stops after the windows in flight: no new window starts. */
    public void drain() {
        draining.set(true);
    }

    public boolean requested() {
        return requested.get();
    }

    /** Whether new windows may no longer start (after {@link #drain()} or {@link #request()}). */
    public boolean draining() {
        return draining.get();
    }
}
