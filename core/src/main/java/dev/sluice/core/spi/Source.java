package dev.sluice.core.spi;

import dev.sluice.core.window.Window;
import java.io.IOException;
import java.util.Optional;

/**
 * Reads the records of a window, page by page. The runner calls {@link #open} once, then
 * {@link #read} for each page of each window; reads of different windows may run on different threads
 * at the same time, the pages of one window are read in order by one thread. A source never writes
 * state: it returns positions as data and the runner keeps them.
 */
public interface Source extends AutoCloseable {
    void open(SourceContext context) throws IOException;

    /**
     * Reads the page of {@code window} that starts at {@code after}: empty for the first page,
     * otherwise the {@link Page#next()} of the previous page. Only records inside the window are
     * returned: for a time window {@code start <= t < end}.
     */
    Page read(Window window, Optional<String> after) throws IOException;

    @Override
    void close() throws IOException;
}
