package dev.sluice.connectors.steps;

import static java.util.Objects.requireNonNull;

import dev.sluice.core.spi.DataRecord;
import dev.sluice.core.spi.Step;
import dev.sluice.core.spi.StepContext;
import dev.sluice.core.spi.StepResult;
import dev.sluice.core.window.Window;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * A step that looks at one record at a time and keeps nothing between records: select, rename, drop,
 * compute, filter, timezone, flatten, explode, defaults. Safe to call for different windows at once.
 */
final class RecordStep implements Step {
    /** What one record becomes. It must not change {@code record}: copy it first. */
    @FunctionalInterface
    interface Transform {
        void apply(Window window, ObjectNode record, Output out);
    }

    /** Where a transform puts its results: records to pass on, or a rejection (counted in the ledger). */
    interface Output {
        void emit(ObjectNode record);

        void reject();
    }

    private final String name;
    private final Transform transform;

    RecordStep(String name, Transform transform) {
        this.name = requireNonNull(name, "name is null");
        this.transform = requireNonNull(transform, "transform is null");
    }

    String name() {
        return name;
    }

    @Override
    public void open(StepContext context) {
    }

    @Override
    public StepResult apply(Window window, List<DataRecord> records) {
        var out = new ArrayList<DataRecord>(records.size());
        long[] rejected = {0};
        Output output = new Output() {
            @Override
            public void emit(ObjectNode record) {
                out.add(new DataRecord(record));
            }

            @Override
            public void reject() {
                rejected[0]++;
            }
        };
        for (DataRecord r : records)
            transform.apply(window, r.data(), output);
        return new StepResult(out, List.of(), rejected[0], 0);
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "step '" + name + "'";
    }
}
