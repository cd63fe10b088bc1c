package dev.sluice.core.spi;

import java.io.IOException;

/**
 * The staged output of one window. {@link #commit()} makes all of it visible at once, replacing any
 * output of an earlier attempt of the same window; {@link #close()} without a commit discards it.
 */
public interface WindowWriter extends AutoCloseable {
    void write(DataRecord record) throws IOException;

    /** Makes the window's output durable and visible. Called at most once. */
    void commit() throws IOException;

    /** Discards whatever was staged and not committed. Safe to call after commit. */
    @Override
    void close() throws IOException;
}
