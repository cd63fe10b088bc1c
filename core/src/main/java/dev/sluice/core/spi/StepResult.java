package dev.sluice.core.spi;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What a step made of one page: the records to pass on, the outcome for each key it processed, how
 * many records it rejected (left out on purpose, and counted), and how many answers it took as empty
 * because the pipeline declared their status "empty, not failed".
 */
public record StepResult(List<DataRecord> records, List<KeyResult> keys, long rejected, long emptyAnswers) {
    public StepResult {
        records = List.copyOf(requireNonNull(records, "records is null"));
        keys = List.copyOf(requireNonNull(keys, "keys is null"));
        if (rejected < 0 || emptyAnswers < 0)
            throw new IllegalArgumentException("counts must not be negative: " + rejected + "/" + emptyAnswers);
    }

    public static StepResult of(List<DataRecord> records) {
        return new StepResult(records, List.of(), 0, 0);
    }
}
