package dev.sluice.core.runner;

import static java.util.Objects.requireNonNull;

import dev.sluice.core.PipelineId;
import dev.sluice.core.state.BooksCleanup;
import java.time.Instant;
import java.util.List;

/**
 * What a {@link Cleanup} of one pipeline deleted, or with {@code dryRun} would delete: from the books,
 * and by each step, in the order of the pipeline's steps.
 */
public record CleanupReport(PipelineId pipeline, Instant before, boolean dryRun, BooksCleanup books, List<StepPurge> steps) {
    public CleanupReport {
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(before, "before is null");
        requireNonNull(books, "books is null");
        steps = List.copyOf(steps);
    }

    /** How many items (dead letters, for example) one step removed. */
    public record StepPurge(String step, String type, long items) {
        public StepPurge {
            requireNonNull(step, "step is null");
            requireNonNull(type, "type is null");
            if (items < 0)
                throw new IllegalArgumentException("items must not be negative, was " + items);
        }
    }
}
