package dev.sluice.core.window;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** The windows a run should process, in order, and a sentence for the user when there are none. */
public record Plan(List<Window> windows, Outcome outcome, String message) {
    public enum Outcome {
        /** There are windows to run. */
        WINDOWS,
        /** Nothing is due yet: the watermark has reached the upper bound (now minus lag, or end). */
        UP_TO_DATE,
        /** The target day is already complete. */
        DAY_COMPLETE
    }

    public Plan {
        windows = List.copyOf(requireNonNull(windows, "windows is null"));
        requireNonNull(outcome, "outcome is null");
        requireNonNull(message, "message is null");
        if ((outcome == Outcome.WINDOWS) == windows.isEmpty())
            throw new IllegalArgumentException("outcome " + outcome + " does not fit " + windows.size() + " windows");
    }
}
