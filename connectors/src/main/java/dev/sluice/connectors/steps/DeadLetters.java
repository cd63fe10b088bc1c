package dev.sluice.connectors.steps;

import dev.sluice.core.PipelineId;
import dev.sluice.core.spi.StepContext;
import dev.sluice.core.window.Window;
import java.io.IOException;
import java.time.Instant;

/**
 * Where a step's rejected records go, per window: staged while the window runs, made durable by
 * {@link #commit} (replacing what an earlier attempt of the window left), dropped by {@link #discard}.
 * Windows that run at once stage side by side; the pages of one window come from one thread.
 */
interface DeadLetters extends AutoCloseable {
    void open(StepContext context) throws IOException;

    void stage(DeadLetter letter) throws IOException;

    void commit(Window window) throws IOException;

    /** Drops what was staged; if this run had committed the window already (the sink failed after), removes that too. Never throws. */
    void discard(Window window);

    /**
     * Removes the committed dead letters of {@code pipeline} rejected before {@code before}, or with
     * {@code dryRun} only counts them, and returns how many; never those of a window staged now. Works
     * whether or not the letters are open.
     */
    long purge(PipelineId pipeline, Instant before, boolean dryRun) throws IOException;

    @Override
    void close();
}
