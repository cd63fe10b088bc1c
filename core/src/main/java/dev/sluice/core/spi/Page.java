package dev.sluice.core.spi;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * What one {@link Source#read} returns: some records of a window and, if the window has more, the
 * position to read from next. An empty page with no next position ends the window.
 * {@code emptyAnswers} counts the answers taken as empty because the pipeline declared their status
 * "empty, not failed"; the runner adds them to the window's counts on the books.
 */
public record Page(List<DataRecord> records, Optional<String> next, long emptyAnswers) {
    public Page {
        records = List.copyOf(requireNonNull(records, "records is null"));
        requireNonNull(next, "next is null");
        if (emptyAnswers < 0)
            throw new IllegalArgumentException("emptyAnswers must not be negative, was " + emptyAnswers);
    }

    public Page(List<DataRecord> records, Optional<String> next) {
        this(records, next, 0);
    }

    public static Page last(List<DataRecord> records) {
        return new Page(records, Optional.empty());
    }

    public static Page more(List<DataRecord> records, String next) {
        return new Page(records, Optional.of(next));
    }
}
