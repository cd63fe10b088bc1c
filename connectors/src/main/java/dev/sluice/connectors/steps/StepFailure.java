package dev.sluice.connectors.steps;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import dev.sluice.core.window.Window;

/** The errors a transform step fails a window with: each names the step and the window, and says what to do. */
final class StepFailure {
    private StepFailure() {
    }

    /** A record that does not fit the step; running again gives the same answer. */
    static SluiceException invalidData(String step, Window window, String problem) {
        return new SluiceException(ErrorCode.STEP_INVALID_DATA, "step '" + step + "' in window " + window + ": " + problem);
    }

    /** Something outside the data went wrong (a file, a database); running again may succeed. */
    static SluiceException failed(String step, Window window, String problem, Throwable cause) {
        return new SluiceException(ErrorCode.STEP_FAILED, "step '" + step + "' in window " + window + ": " + problem, cause);
    }
}
