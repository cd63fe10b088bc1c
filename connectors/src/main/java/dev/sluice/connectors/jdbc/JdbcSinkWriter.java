package dev.sluice.connectors.jdbc;

import dev.sluice.connectors.jdbc.JdbcSink.Table;
import dev.sluice.connectors.jdbc.JdbcSinkConfig.Mode;
import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import dev.sluice.core.spi.DataRecord;
import dev.sluice.core.spi.TransactionalWriter;
import dev.sluice.core.window.IdWindow;
import dev.sluice.core.window.TimeWindow;
import dev.sluice.core.window.Window;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * One window's rows in one open transaction. Rows go out as they come (a COPY stream, or a batch every
 * {@code batch_size} rows), so memory stays flat; nothing is visible before {@link #commit()}.
 */
final class JdbcSinkWriter implements TransactionalWriter {
    private static final int COPY_BUFFER = 1 << 16;
    private static final String STAGE = "sluice_stage";

    private final Connection connection;
    private final Table table;
    private final JdbcSinkConfig config;
    private final Window window;
    private final SinkValues values;
    private final JdbcConnection db;
    private final String where;
    private final Map<String, Integer> fieldIndex = new HashMap<>();
    private final JsonNode[] row;
    private boolean started;
    private boolean committed;
    private boolean closed;
    // COPY path
    private CopyIn copy;
    private final StringBuilder copyBuffer = new StringBuilder();
    // batch path
    private PreparedStatement insert;
    private int batched;

    JdbcSinkWriter(Connection connection, Table table, JdbcSinkConfig config, Window window, SinkValues values, JdbcConnection db) {
        this.connection = connection;
        this.table = table;
        this.config = config;
        this.window = window;
        this.values = values;
        this.db = db;
        this.where = db.describe();
        this.row = new JsonNode[table.columns().size()];
        for (int i = 0; i < table.columns().size(); i++) {
            String name = table.columns().get(i).name();
            fieldIndex.put(name, i);
            fieldIndex.putIfAbsent(name.toLowerCase(java.util.Locale.ROOT), i);
        }
    }

    @Override
    public void write(DataRecord record) throws IOException {
        java.util.Arrays.fill(row, null);
        for (var field : record.data().properties()) {
            Integer i = fieldIndex.get(field.getKey());
            if (i == null)
                i = fieldIndex.get(field.getKey().toLowerCase(java.util.Locale.ROOT));
            if (i == null) {
                if (config.ignoreExtraFields())
                    continue;
                throw new SluiceException(ErrorCode.SINK_REJECTED, "record field '" + field.getKey() + "' has no column in table "
                        + table.display() + " (window " + window + "); add the column, drop the field with a step, "
                        + "or set extra_fields: ignore in the sink");
            }
            row[i] = field.getValue();
        }
        try {
            if (!started)
                start();
            if (table.copy())
                copyRow();
            else
                batchRow();
        } catch (SQLException e) {
            throw JdbcErrors.sink(db, "writing window " + window + " into " + table.display() + " on " + where + " failed", e);
        }
    }

    private Object convert(int i, JsonNode node) {
        try {
            return values.value(table.columns().get(i), node);
        } catch (IllegalArgumentException e) {
            throw rejected(e);
        }
    }

    private String copyText(int i, JsonNode node) {
        try {
            return values.copyText(table.columns().get(i), node);
        } catch (IllegalArgumentException e) {
            throw rejected(e);
        }
    }

    private SluiceException rejected(IllegalArgumentException e) {
        return new SluiceException(ErrorCode.SINK_REJECTED, "window " + window + ", table " + table.display() + ": " + e.getMessage(), e);
    }

    /** Begins the window's transaction: a replace deletes the window's rows first, a COPY upsert makes its stage. */
    private void start() throws SQLException {
        started = true;
        if (config.mode() == Mode.REPLACE)
            deleteWindow();
        if (table.copy()) {
            String target = table.quoted();
            if (config.mode() == Mode.UPSERT) {
                try (Statement s = connection.createStatement()) {
                    s.execute("CREATE TEMP TABLE IF NOT EXISTS " + STAGE + " AS SELECT " + columnList() + " FROM " + table.quoted()
                            + " WITH NO DATA");
                    s.execute("ALTER TABLE " + STAGE + " ADD COLUMN IF NOT EXISTS sluice_ord BIGSERIAL");
                    s.execute("TRUNCATE " + STAGE);
                }
                target = STAGE;
            }
            copy = connection.unwrap(PGConnection.class).getCopyAPI()
                    .copyIn("COPY " + target + " (" + columnList() + ") FROM STDIN WITH (FORMAT csv)");
        } else {
            insert = connection.prepareStatement(insertStatement());
        }
    }

    private void deleteWindow() throws SQLException {
        if (!(window instanceof TimeWindow || window instanceof IdWindow)) {
            try (Statement st = connection.createStatement()) { // a snapshot replaces the whole table
                st.executeUpdate("DELETE FROM " + table.quoted());
            }
            return;
        }
        SinkColumn col = columnNamed(config.windowColumn().orElseThrow());
        String column = table.dialect().quote(col.name());
        try (PreparedStatement ps = connection.prepareStatement("DELETE FROM " + table.quoted() + " WHERE " + column + " >= ? AND "
                + column + " < ?")) {
            if (window instanceof TimeWindow t) {
                // the bounds converted as a record's value of that column would be, local times included
                values.bind(ps, 1, col, values.value(col, JsonNodeFactory.instance.stringNode(t.start().toString())));
                values.bind(ps, 2, col, values.value(col, JsonNodeFactory.instance.stringNode(t.end().toString())));
            } else {
                IdWindow ids = (IdWindow) window;
                ps.setLong(1, ids.start());
                ps.setLong(2, ids.end());
            }
            ps.executeUpdate();
        }
    }

    private SinkColumn columnNamed(String name) {
        return table.columns().stream().filter(c -> c.name().equalsIgnoreCase(name)).findFirst()
                .orElseThrow(() -> new SluiceException(ErrorCode.SINK_REJECTED, "column " + name + " is not written by the sink; add it to columns:"));
    }

    private void copyRow() throws SQLException {
        for (int i = 0; i < row.length; i++) {
            if (i > 0)
                copyBuffer.append(',');
            SinkValues.copyField(copyBuffer, copyText(i, row[i]));
        }
        copyBuffer.append('\n');
        if (copyBuffer.length() >= COPY_BUFFER)
            sendCopyText();
    }

    private void sendCopyText() throws SQLException {
        byte[] bytes = copyBuffer.toString().getBytes(StandardCharsets.UTF_8);
        copy.writeToCopy(bytes, 0, bytes.length);
        copyBuffer.setLength(0);
    }

    private void batchRow() throws SQLException {
        for (int i = 0; i < row.length; i++)
            values.bind(insert, i + 1, table.columns().get(i), convert(i, row[i]));
        insert.addBatch();
        if (++batched >= config.batchSize()) {
            insert.executeBatch();
            batched = 0;
        }
    }

    /** Sends whatever is still buffered, so that the transaction holds every row written. */
    private void flush() throws SQLException {
        if (!started) {
            start(); // a window without rows still deletes its old rows in replace mode
        }
        if (copy != null) {
            if (!copyBuffer.isEmpty())
                sendCopyText();
            copy.endCopy();
            copy = null;
            if (config.mode() == Mode.UPSERT) {
                try (Statement s = connection.createStatement()) {
                    String keys = config.key().stream().map(k -> table.dialect().quote(columnNamed(k).name())).collect(Collectors.joining(", "));
                    // The last row of a key in the window wins, as it would with one INSERT ... ON CONFLICT per row.
                    s.executeUpdate("INSERT INTO " + table.quoted() + " (" + columnList() + ") SELECT DISTINCT ON (" + keys + ") "
                            + columnList() + " FROM " + STAGE + " ORDER BY " + keys + ", sluice_ord DESC" + conflictClause());
                    s.execute("TRUNCATE " + STAGE);
                }
            }
        }
        if (insert != null && batched > 0) {
            insert.executeBatch();
            batched = 0;
        }
    }

    @Override
    public Connection transaction() {
        try {
            flush();
        } catch (SQLException e) {
            throw JdbcErrors.sink(db, "writing window " + window + " into " + table.display() + " on " + where + " failed", e);
        }
        return connection;
    }

    @Override
    public void commit() throws IOException {
        try {
            flush();
            connection.commit();
            committed = true;
        } catch (SQLException e) {
            throw JdbcErrors.sink(db, "committing window " + window + " into " + table.display() + " on " + where + " failed", e);
        }
    }

    @Override
    public void close() throws IOException {
        if (closed)
            return;
        closed = true;
        try {
            if (copy != null && copy.isActive())
                copy.cancelCopy();
            if (insert != null)
                insert.close();
            if (!committed)
                connection.rollback();
        } catch (SQLException e) {
            // the rollback failed because the connection broke: the server drops the transaction with it
        } finally {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // returned or evicted from the pool either way
            }
        }
    }

    private String columnList() {
        return table.columns().stream().map(c -> table.dialect().quote(c.name())).collect(Collectors.joining(", "));
    }

    private String insertStatement() {
        String marks = table.columns().stream().map(c -> "?").collect(Collectors.joining(", "));
        String sql = "INSERT INTO " + table.quoted() + " (" + columnList() + ") VALUES (" + marks + ")";
        return config.mode() == Mode.UPSERT ? sql + conflictClause() : sql;
    }

    private String conflictClause() {
        SqlDialect d = table.dialect();
        List<String> keys = config.key().stream().map(k -> columnNamed(k).name()).toList();
        List<SinkColumn> others = table.columns().stream().filter(c -> keys.stream().noneMatch(k -> k.equals(c.name()))).toList();
        if (d == SqlDialect.MARIADB) {
            if (others.isEmpty())
                return " ON DUPLICATE KEY UPDATE " + d.quote(keys.getFirst()) + " = " + d.quote(keys.getFirst());
            return " ON DUPLICATE KEY UPDATE " + others.stream().map(c -> d.quote(c.name()) + " = VALUES(" + d.quote(c.name()) + ")")
                    .collect(Collectors.joining(", "));
        }
        String target = " ON CONFLICT (" + keys.stream().map(d::quote).collect(Collectors.joining(", ")) + ")";
        if (others.isEmpty())
            return target + " DO NOTHING";
        return target + " DO UPDATE SET " + others.stream().map(c -> d.quote(c.name()) + " = EXCLUDED." + d.quote(c.name()))
                .collect(Collectors.joining(", "));
    }
}
