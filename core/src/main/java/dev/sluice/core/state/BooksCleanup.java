package dev.sluice.core.state;

/**
 * What {@link StateStore#cleanup} deleted (or, as a preview, would delete): discarded ledger entries,
 * runs, and errors.
 */
public record BooksCleanup(long discardedWindows, long runs, long errors) {
    public static final BooksCleanup NONE = new BooksCleanup(0, 0, 0);

    public BooksCleanup {
        if (discardedWindows < 0 || runs < 0 || errors < 0)
            throw new IllegalArgumentException("counts must not be negative: " + discardedWindows + "/" + runs + "/" + errors);
    }
}
