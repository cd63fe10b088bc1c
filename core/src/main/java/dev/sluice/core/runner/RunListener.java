package dev.sluice.core.runner;

import dev.sluice.core.SluiceException;
import dev.sluice.core.state.Counts;
import dev.sluice.core.state.RunRecord;
import dev.sluice.core.window.Window;
import java.util.List;

/**
 * Hears what a run does, for progress bars and log lines. Called from the runner's threads; an
 * implementation must be thread-safe and quick, and must not throw.
 */
public interface RunListener {
    RunListener NONE = new RunListener() {
    };

    /** The run is on the books with this id and holds the pipeline's lease; nothing has been read yet. */
    default void runStarted(RunRecord run) {
    }

    /** The windows this run will process, retries first. */
    default void planned(List<Window> windows, String note) {
    }

    /** A window begins: it is marked running on the books and its first page is about to be read. */
    default void windowStarted(Window window) {
    }

    default void windowCommitted(Window window, Counts counts) {
    }

    default void windowFailed(Window window, SluiceException error) {
    }

    /**
     * A window attempt recorded these keys as failed (a step with {@code on_failure: record_key} left their
     * records out), after they were put on the books; called before {@link #windowCommitted} or
     * {@link #windowFailed} of the window.
     */
    default void keysFailed(Window window, List<FailedKey> keys) {
    }
}
