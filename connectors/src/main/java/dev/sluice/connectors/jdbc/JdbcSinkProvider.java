package dev.sluice.connectors.jdbc;

import dev.sluice.connectors.jdbc.JdbcSinkConfig.Copy;
import dev.sluice.connectors.jdbc.JdbcSinkConfig.Mode;
import dev.sluice.core.config.ConfigObject;
import dev.sluice.core.spi.Sink;
import dev.sluice.core.spi.SinkProvider;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** {@code sink: {type: jdbc, connection: NAME, table: ...}}: rows into a database table. */
public final class JdbcSinkProvider implements SinkProvider {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?");
    private static final Pattern SQL_TYPE = Pattern.compile("[A-Za-z][A-Za-z0-9_ ]*(\\(\\s*\\d+\\s*(,\\s*\\d+\\s*)?\\))?( ?\\[\\])?");

    @Override
    public String type() {
        return "jdbc";
    }

    @Override
    public Sink bind(ConfigObject c) {
        if (!c.has("connection"))
            c.problem("missing required key 'connection': the name of a connection with a jdbc: url under connections:, e.g. connection: warehouse");
        Optional<JdbcConnection> connection = c.connection("connection", JdbcConnection.class, JdbcConnection::bind);
        String table = c.required("table", "public.orders");
        if (table != null && !NAME.matcher(table).matches()) {
            c.problem("table", "'" + table + "' is not a table name; use letters, digits and _, optionally with a schema: analytics.orders");
            table = null;
        }
        Mode mode = c.choice("mode", Mode.class).orElse(Mode.INSERT);
        List<String> key = c.strings("key").orElse(List.of());
        Optional<String> windowColumn = c.string("window_column");
        Map<String, String> columns = new LinkedHashMap<>();
        c.stringMap("columns").ifPresent(m -> m.forEach((name, type) -> {
            if (!NAME.matcher(name).matches() || name.contains("."))
                c.problem("columns", "'" + name + "' is not a column name; use letters, digits and _");
            else if (!SQL_TYPE.matcher(type.strip()).matches())
                c.problem("columns", "'" + type + "' (column " + name + ") is not a plain SQL type such as bigint, numeric(12,2), text or timestamptz");
            else
                columns.put(name, type.strip());
        }));
        boolean create = c.bool("create").orElse(false);
        if (create && columns.isEmpty() && !c.has("columns"))
            c.problem("create", "create: true needs columns: to know what to create, e.g. columns: {id: bigint, amount: numeric(12,2)}");
        for (String k : key) {
            if (!columns.isEmpty() && !columns.containsKey(k))
                c.problem("key", "key column '" + k + "' is not among the declared columns: " + String.join(", ", columns.keySet()));
        }
        windowColumn.ifPresent(wc -> {
            if (!columns.isEmpty() && !columns.containsKey(wc))
                c.problem("window_column", "'" + wc + "' is not among the declared columns: " + String.join(", ", columns.keySet()));
        });
        if (mode != Mode.UPSERT && !key.isEmpty())
            c.problem("key", "key: is used by mode: upsert; set mode: upsert, or remove key:");
        if (mode != Mode.REPLACE && windowColumn.isPresent())
            c.problem("window_column", "window_column: is used by mode: replace; set mode: replace, or remove window_column:");
        boolean consistent = true;
        if (mode == Mode.UPSERT && key.isEmpty()) {
            c.problem("mode", "mode: upsert needs key: the columns that identify a row, e.g. key: [order_id]");
            consistent = false;
        }
        if (mode == Mode.REPLACE && windowColumn.isEmpty()) {
            c.problem("mode", "mode: replace needs window_column: the column whose value places a row in its window, e.g. window_column: updated_at");
            consistent = false;
        }
        int batchSize = c.integer("batch_size", 1, 1_000_000).orElse((long) JdbcSinkConfig.DEFAULT_BATCH_SIZE).intValue();
        Copy copy = c.choice("copy", Copy.class).orElse(Copy.AUTO);
        var zone = c.zone("timezone").orElse(ZoneOffset.UTC);
        boolean ignoreExtra = c.string("extra_fields").map(v -> switch (v) {
            case "ignore" -> true;
            case "fail" -> false;
            default -> {
                c.problem("extra_fields", "'" + v + "' is not one of fail, ignore");
                yield false;
            }
        }).orElse(false);
        c.finish();
        if (connection.isEmpty() || table == null || !consistent)
            return new JdbcSink(null, null);
        try {
            return new JdbcSink(connection.get(), new JdbcSinkConfig(table, mode, key, windowColumn, columns, create, batchSize, copy, zone,
                    ignoreExtra));
        } catch (IllegalArgumentException e) { // each rule was reported above; this is a safety net
            c.problem(e.getMessage());
            return new JdbcSink(null, null);
        }
    }
}
