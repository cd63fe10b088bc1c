package dev.sluice.core.state;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Which entries {@link StateStore#ledger(dev.sluice.core.PipelineId, dev.sluice.core.window.CursorKind, LedgerFilter)}
 * lists: those of {@code status} (every status when empty), whose window starts at or after {@code from}
 * and before {@code to} (each bound optional), backfill entries only with {@code includeBackfill}, at most
 * {@code limit} of them.
 */
public record LedgerFilter(Optional<WindowStatus> status, Optional<Position> from, Optional<Position> to, boolean includeBackfill,
                           int limit) {
    public LedgerFilter {
        requireNonNull(status, "status is null");
        requireNonNull(from, "from is null");
        requireNonNull(to, "to is null");
        if (from.isPresent() && to.isPresent() && from.get().key() >= to.get().key())
            throw new IllegalArgumentException("ledger range start " + from.get() + " must be before its end " + to.get());
        if (limit < 1)
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
    }

    /** The newest {@code limit} entries of every status, backfill included. */
    public static LedgerFilter newest(int limit) {
        return new LedgerFilter(Optional.empty(), Optional.empty(), Optional.empty(), true, limit);
    }
}
