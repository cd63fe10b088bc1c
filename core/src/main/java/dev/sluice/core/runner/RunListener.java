package dev.sluice.core.runner;

import dev.sluice.core.SluiceException;
import dev.sluice.core.state.Counts;
import dev.sluice.core.window.Window;
import java.util.List;

/**
 * Hears what a run does, for progress bars and log lines. Called from the runner's threads; an
 * implementation must be thread-safe and quick, and must not throw.
 */
public interface RunListener {
    RunListener NONE = new RunListener() {
    };

    /** The windows this run will process, retries first. */
    default void planned(List<Window> windows, String note) {
    }

    default void windowCommitted(Window window, Counts counts) {
    }

    default void windowFailed(Window window, SluiceException error) {
    }
}
