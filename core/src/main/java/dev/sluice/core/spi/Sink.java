package dev.sluice.core.spi;

import dev.sluice.core.window.Window;
import java.io.IOException;

/**
 * Writes the records of windows. The runner calls {@link #open} once, then {@link #begin} for each
 * window, possibly for several windows at once from different threads; each {@link WindowWriter} is
 * used by one thread.
 *
 * <p>Re-running a window must replace what an earlier attempt of that same window wrote: this is what
 * makes a crash between the sink's commit and the ledger's commit harmless.
 */
public interface Sink extends AutoCloseable {
    void open(SinkContext context) throws IOException;

    /** Starts staging the output of one window. Nothing is visible until {@link WindowWriter#commit()}. */
    WindowWriter begin(Window window) throws IOException;

    /** Where the output goes, for people: a folder, a table, a URL without credentials. */
    default String target() {
        return "";
    }

    @Override
    void close() throws IOException;
}
