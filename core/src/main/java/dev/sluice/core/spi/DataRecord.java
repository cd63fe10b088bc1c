package dev.sluice.core.spi;

import static java.util.Objects.requireNonNull;

import tools.jackson.databind.node.ObjectNode;

/**
 * One record: a JSON-like tree. Sources create records, steps return new ones; once a record is handed
 * on, nobody changes its tree.
 */
public record DataRecord(ObjectNode data) {
    public DataRecord {
        requireNonNull(data, "data is null");
    }

    @Override
    public String toString() {
        return data.toString();
    }
}
