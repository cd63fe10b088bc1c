package dev.sluice.connectors.jdbc;

import static java.util.Objects.requireNonNull;

import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code sink:} section of a JDBC sink.
 *
 * @param columns declared columns, name to SQL type, in order: what {@code create} makes and what is written;
 *     empty to write the table's own columns
 * @param windowColumn for {@link Mode#REPLACE}: the column whose value places a row in a window
 */
record JdbcSinkConfig(String table, Mode mode, List<String> key, Optional<String> windowColumn, Map<String, String> columns,
                      boolean create, int batchSize, Copy copy, ZoneId zone, boolean ignoreExtraFields) {
    /** How a re-run of a window is made harmless. */
    enum Mode {
        /** Plain inserts; only allowed when the books are in the same database, where the commit is exactly once. */
        INSERT,
        /** Insert or update by {@code key}. */
        UPSERT,
        /** Delete the window's rows (by {@code window_column}), then insert, in one transaction. */
        REPLACE
    }

    enum Copy { AUTO, ON, OFF }

    static final int DEFAULT_BATCH_SIZE = 1000;

    JdbcSinkConfig {
        requireNonNull(table, "table is null");
        requireNonNull(mode, "mode is null");
        key = List.copyOf(key);
        requireNonNull(windowColumn, "windowColumn is null");
        columns = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(columns));
        requireNonNull(copy, "copy is null");
        requireNonNull(zone, "zone is null");
        if (mode == Mode.UPSERT && key.isEmpty())
            throw new IllegalArgumentException("mode: upsert needs key: the columns that identify a row, e.g. key: [order_id]");
        if (mode == Mode.REPLACE && windowColumn.isEmpty())
            throw new IllegalArgumentException("mode: replace needs window_column: the column whose value places a row in a window");
        if (batchSize < 1)
            throw new IllegalArgumentException("batch_size must be at least 1");
    }
}
