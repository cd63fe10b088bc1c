package dev.sluice.core.spi;

import dev.sluice.core.window.Window;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * Transforms, filters or enriches records between the source and the sink. The runner calls
 * {@link #open} once, then {@link #apply} for each page of each window in order; the pages of one
 * window come from one thread, different windows may call it at once from different threads.
 * Like a source, a step never writes state: what happened to each key is returned as data in its
 * {@link StepResult} and the runner puts it on the books.
 */
public interface Step extends AutoCloseable {
    void open(StepContext context) throws IOException;

    /**
     * Returns what {@code records} (one page of {@code window}, in source order) become: none, one or
     * many records each. A failure that should fail the whole window is thrown as a
     * {@link dev.sluice.core.SluiceException}; a failure of one key that the pipeline lets pass is
     * reported in {@link StepResult#keys()} instead.
     */
    StepResult apply(Window window, List<DataRecord> records) throws IOException;

    /**
     * Makes durable what the step staged for {@code window} besides its records (dead letters, for
     * example), replacing what an earlier attempt of the same window left. The runner calls it once
     * every page of the window went through, before the sink commits; a failure fails the window.
     * Re-running a window calls it again, so it must be idempotent per window.
     */
    default void commit(Window window) throws IOException {
    }

    /** Drops what was staged for {@code window}, which failed or was stopped. Never throws. */
    default void discard(Window window) {
    }

    /**
     * Housekeeping: removes what this step keeps beyond its windows' runs (dead letters, for example)
     * that is older than {@code before}, and returns how many items that was; with {@code dryRun} it only
     * counts them. {@link dev.sluice.core.runner.Cleanup} calls it, between runs, while it holds the
     * pipeline's lease, so no window of the pipeline runs anywhere meanwhile; the step is not open, so it
     * opens and closes what it needs itself. What a window staged and has not committed is never
     * removed. The default keeps nothing and returns 0.
     */
    default long purge(StepContext context, Instant before, boolean dryRun) throws IOException {
        return 0;
    }

    @Override
    void close() throws IOException;
}
