package dev.sluice.connectors.jdbc;

import dev.sluice.connectors.jdbc.JdbcSinkConfig.Copy;
import dev.sluice.connectors.jdbc.JdbcSinkConfig.Mode;
import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import dev.sluice.core.spi.Sink;
import dev.sluice.core.spi.SinkContext;
import dev.sluice.core.spi.WindowWriter;
import dev.sluice.core.window.Window;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Writes each window's records into a table in one transaction: batched inserts, or COPY on PostgreSQL.
 * A re-run of a window never duplicates rows: with {@code mode: upsert} rows are replaced by key, with
 * {@code mode: replace} the window's rows are deleted first, and {@code mode: insert} is only accepted
 * when the books are kept in the same database, where the runner commits rows and ledger together.
 */
final class JdbcSink implements Sink {
    private final JdbcConnection connection;
    private final JdbcSinkConfig config;
    private Table table;
    private boolean opened;

    /** Both null only when binding failed; the loader then fails the file before anything runs. */
    JdbcSink(JdbcConnection connection, JdbcSinkConfig config) {
        this.connection = connection;
        this.config = config;
    }

    /** The resolved table: its quoted name, the columns written, and the statements. */
    record Table(String quoted, String display, List<SinkColumn> columns, SqlDialect dialect, boolean copy) {}

    @Override
    public void open(SinkContext context) throws IOException {
        connection.open();
        opened = true;
        try (Connection c = connection.borrow()) {
            try {
                table = resolve(c, context);
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw JdbcErrors.sink(connection, "cannot prepare table " + config.table() + " on " + connection.describe(), e);
        }
    }

    private Table resolve(Connection c, SinkContext context) throws SQLException {
        SqlDialect dialect = connection.dialect();
        if (config.mode() == Mode.UPSERT && dialect == SqlDialect.OTHER)
            throw new SluiceException(ErrorCode.CONFIG_INVALID, "jdbc sink: mode: upsert speaks PostgreSQL, MariaDB/MySQL and SQLite; "
                    + "for " + connection.describe() + " use mode: replace with window_column:");
        if (config.copy() == Copy.ON && dialect != SqlDialect.POSTGRESQL)
            throw new SluiceException(ErrorCode.CONFIG_INVALID, "jdbc sink: copy: on needs PostgreSQL; " + connection.describe()
                    + " is not; remove copy: to use batched inserts");
        Optional<Found> table = find(c.getMetaData());
        if (table.isEmpty()) {
            if (!config.create())
                throw new SluiceException(ErrorCode.SINK_REJECTED, "table " + config.table() + " does not exist in " + connection.describe()
                        + "; create it" + (config.columns().isEmpty() ? "" : " with: " + createStatement(dialect))
                        + ", or declare columns: and set create: true in the sink to let Sluice create it");
            try (Statement s = c.createStatement()) {
                s.execute(createStatement(dialect));
            }
            c.commit();
            table = find(c.getMetaData());
            if (table.isEmpty())
                throw new SluiceException(ErrorCode.SINK_REJECTED, "created table " + config.table() + " but cannot see its columns; "
                        + "check the connection's default schema");
        }
        Map<String, SinkColumn> existing = table.get().columns();
        List<SinkColumn> written = new ArrayList<>();
        if (config.columns().isEmpty()) {
            written.addAll(existing.values());
        } else {
            var missing = new ArrayList<String>();
            for (String name : config.columns().keySet()) {
                SinkColumn col = column(existing, name);
                if (col == null)
                    missing.add(name);
                else
                    written.add(col);
            }
            if (!missing.isEmpty())
                throw new SluiceException(ErrorCode.SINK_REJECTED, "table " + config.table() + " has no column " + String.join(", ", missing)
                        + "; add it (ALTER TABLE " + config.table() + " ADD COLUMN " + missing.getFirst() + " "
                        + config.columns().get(missing.getFirst()) + ") or remove it from columns:");
        }
        for (String k : config.key()) {
            if (column(existing, k) == null)
                throw new SluiceException(ErrorCode.SINK_REJECTED, "key column '" + k + "' is not a column of " + config.table()
                        + "; its columns are " + String.join(", ", existing.keySet()));
        }
        if (config.windowColumn().isPresent() && written.stream().noneMatch(col -> col.name().equalsIgnoreCase(config.windowColumn().get())))
            throw new SluiceException(ErrorCode.SINK_REJECTED, "window_column '" + config.windowColumn().get() + "' is not a written column of "
                    + config.table() + "; its columns are " + String.join(", ", existing.keySet()));
        if (config.mode() == Mode.INSERT && !context.keepsBooksIn(c))
            throw new SluiceException(ErrorCode.CONFIG_INVALID, "jdbc sink: mode: insert would insert a window's rows twice if a run "
                    + "stopped between the sink's commit and the ledger's; keep the state in this same PostgreSQL database "
                    + "(--state with the sink's URL) to commit both at once, or use mode: upsert with key:, or mode: replace with window_column:");
        boolean copy = dialect == SqlDialect.POSTGRESQL && config.copy() != Copy.OFF;
        return new Table(dialect.quoteQualified(table.get().name()), config.table(), List.copyOf(written), dialect, copy);
    }

    /** A table as the database stores it: its name (with the schema when one was given) and its columns in order. */
    private record Found(String name, Map<String, SinkColumn> columns) {}

    /** The table, looked up as written, then in lower and in upper case; empty when there is no such table. */
    private Optional<Found> find(DatabaseMetaData meta) throws SQLException {
        String[] parts = config.table().split("\\.", 2);
        String schema = parts.length == 2 ? parts[0] : null;
        String name = parts.length == 2 ? parts[1] : parts[0];
        // MariaDB calls a database a catalog; PostgreSQL and SQLite have schemas.
        boolean catalogs = connection.dialect() == SqlDialect.MARIADB;
        // Without a schema in the name, only the table the connection's search path finds counts.
        String current = schema == null && connection.dialect() == SqlDialect.POSTGRESQL ? meta.getConnection().getSchema() : null;
        var tried = new java.util.HashSet<String>();
        for (UnaryOperator<String> cased : List.<UnaryOperator<String>>of(t -> t, t -> t.toLowerCase(Locale.ROOT), t -> t.toUpperCase(Locale.ROOT))) {
            String n = cased.apply(name);
            String sch = schema == null ? null : cased.apply(schema);
            if (!tried.add(sch + "." + n))
                continue;
            var found = new LinkedHashMap<String, SinkColumn>();
            try (ResultSet rs = meta.getColumns(catalogs ? sch : null, catalogs ? null : sch, n, null)) {
                while (rs.next()) {
                    if (current != null && !current.equals(rs.getString("TABLE_SCHEM")))
                        continue;
                    if ("YES".equals(rs.getString("IS_AUTOINCREMENT")) && config.columns().isEmpty())
                        continue; // the database numbers these rows itself
                    if ("YES".equals(rs.getString("IS_GENERATEDCOLUMN")))
                        continue;
                    String col = rs.getString("COLUMN_NAME");
                    String type = rs.getString("TYPE_NAME");
                    found.putIfAbsent(col, new SinkColumn(col, SinkColumn.kindOf(connection.dialect(), rs.getInt("DATA_TYPE"), type), type));
                }
            }
            if (!found.isEmpty())
                return Optional.of(new Found(schema == null ? n : sch + "." + n, found));
        }
        return Optional.empty();
    }

    private static SinkColumn column(Map<String, SinkColumn> columns, String name) {
        SinkColumn exact = columns.get(name);
        if (exact != null)
            return exact;
        for (var e : columns.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name))
                return e.getValue();
        }
        return null;
    }

    /** CREATE TABLE from the declared columns, with the key as primary key. */
    String createStatement(SqlDialect dialect) {
        String cols = config.columns().entrySet().stream().map(e -> dialect.quote(e.getKey()) + " " + e.getValue())
                .collect(Collectors.joining(", "));
        String pk = config.key().isEmpty() ? "" : ", PRIMARY KEY (" + config.key().stream().map(dialect::quote).collect(Collectors.joining(", ")) + ")";
        return "CREATE TABLE IF NOT EXISTS " + dialect.quoteQualified(config.table()) + " (" + cols + pk + ")";
    }

    @Override
    public WindowWriter begin(Window window) throws IOException {
        if (table == null)
            throw new IllegalStateException("the jdbc sink is not open");
        Connection c;
        try {
            c = connection.borrow();
        } catch (SQLException e) {
            throw JdbcErrors.sink(connection, "cannot get a connection to " + connection.describe() + " for window " + window, e);
        }
        return new JdbcSinkWriter(c, table, config, window, new SinkValues(table.dialect(), config.zone()), connection);
    }

    @Override
    public String target() {
        return config == null ? "" : config.table() + " on " + connection.describe();
    }

    @Override
    public void close() {
        if (opened) {
            opened = false;
            connection.close();
        }
    }
}
