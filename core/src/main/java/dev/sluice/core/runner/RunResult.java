package dev.sluice.core.runner;

import static java.util.Objects.requireNonNull;

import dev.sluice.core.SluiceException;
import dev.sluice.core.state.Counts;
import dev.sluice.core.state.Position;
import dev.sluice.core.state.RunStatus;
import dev.sluice.core.window.Plan;
import java.util.List;
import java.util.Optional;

/** What a run did, for the command to report. {@code errors} are the failed windows' errors, in window order. */
public record RunResult(
        long runId,
        long sequence,
        RunStatus status,
        Plan.Outcome planOutcome,
        String note,
        long windowsSucceeded,
        long windowsFailed,
        Counts counts,
        Optional<Position> watermarkBefore,
        Optional<Position> watermarkAfter,
        List<SluiceException> errors) {
    public RunResult {
        requireNonNull(status, "status is null");
        requireNonNull(planOutcome, "planOutcome is null");
        requireNonNull(note, "note is null");
        requireNonNull(counts, "counts is null");
        requireNonNull(watermarkBefore, "watermarkBefore is null");
        requireNonNull(watermarkAfter, "watermarkAfter is null");
        errors = List.copyOf(errors);
    }
}
