package dev.sluice.connectors.jdbc;

import dev.sluice.core.config.ConfigObject;
import dev.sluice.core.spi.Source;
import dev.sluice.core.spi.SourceProvider;
import dev.sluice.core.window.CursorKind;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code source: {type: jdbc}}: an SQL query over a named connection, with the window's bounds bound
 * to named parameters ({@code :window_start}, {@code :window_end}, {@code :id_start}, {@code :id_end}).
 * Every problem of the query's parameters is found here, at load time, without reaching the database.
 */
public final class JdbcSourceProvider implements SourceProvider {
    static final String TYPE = "jdbc";
    private static final int MAX_SIZE = 1_000_000;

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Set<CursorKind> cursors() {
        return Set.of(CursorKind.TIME, CursorKind.ID, CursorKind.NONE);
    }

    @Override
    public Source bind(ConfigObject config, CursorKind cursor) {
        Optional<JdbcConnection> connection = config.connection("connection", JdbcConnection.class, JdbcConnection::bind);
        if (!config.has("connection"))
            config.problem("missing required key 'connection': the name of an entry under connections:, e.g. connection: warehouse");
        String name = config.string("name").orElse(TYPE);
        String text = config.required("query", "\"SELECT * FROM orders WHERE updated_at >= :window_start AND updated_at < :window_end\"");
        int fetchSize = config.integer("fetch_size", 1, MAX_SIZE).orElse((long) JdbcSourceConfig.DEFAULT_FETCH_SIZE).intValue();
        int pageSize = config.integer("page_size", 1, MAX_SIZE).orElse((long) JdbcSourceConfig.DEFAULT_PAGE_SIZE).intValue();
        ZoneId zone = config.zone("timezone").orElse(ZoneOffset.UTC);
        Set<String> jsonColumns = new HashSet<>(config.strings("json_columns").orElse(List.of()));
        Duration queryTimeout = config.duration("query_timeout").orElse(JdbcSourceConfig.DEFAULT_QUERY_TIMEOUT);
        if (queryTimeout.toSeconds() < 1 || queryTimeout.toSeconds() > Integer.MAX_VALUE) {
            config.problem("query_timeout", "must be between 1s and 68 years, e.g. query_timeout: 30m");
            queryTimeout = JdbcSourceConfig.DEFAULT_QUERY_TIMEOUT;
        }
        boolean unbounded = config.bool("unbounded").orElse(false);
        if (cursor == CursorKind.NONE && config.has("unbounded"))
            config.problem("unbounded", "unbounded has no meaning with cursor: none (a snapshot reads the whole query); remove it");
        if (text == null)
            return null;
        NamedParameters query = NamedParameters.parse(text, connection.map(JdbcConnection::dialect).orElse(SqlDialect.OTHER));
        if (!checkParameters(config, query, cursor, unbounded) || connection.isEmpty())
            return null;
        return new JdbcSource(connection.get(), new JdbcSourceConfig(name, query, fetchSize, pageSize, zone, jsonColumns, queryTimeout));
    }

    /** Reports every parameter that does not fit the cursor, and a query that would read every row in every window. */
    private static boolean checkParameters(ConfigObject config, NamedParameters query, CursorKind cursor, boolean unbounded) {
        List<String> valid = WindowParameters.valid(cursor);
        String validText = valid.isEmpty() ? "none: with cursor: none every run reads the whole query"
                : valid.stream().map(v -> ":" + v).collect(Collectors.joining(", "));
        boolean ok = true;
        for (String n : query.distinct()) {
            if (valid.contains(n))
                continue;
            ok = false;
            if (WindowParameters.known(n))
                config.problem("query", "parameter :" + n + " is for cursor: " + (WindowParameters.TIME.contains(n) ? "time" : "id")
                        + " windows, and this pipeline's cursor is " + cursor.label() + "; parameters here: " + validText);
            else
                config.problem("query", "unknown parameter :" + n + "; parameters with cursor: " + cursor.label() + ": " + validText
                        + " (a colon that starts no parameter needs a space after it, or quotes; a cast is written ::type)");
        }
        if (query.strayPlaceholders() > 0) {
            ok = false;
            config.problem("query", "the query has " + query.strayPlaceholders() + " '?' outside quotes and comments; write window "
                    + "bounds as named parameters such as :window_start, which the source binds (on PostgreSQL, write ?? for the ? operator)");
        }
        if (cursor == CursorKind.NONE || unbounded || !ok)
            return ok; // a misspelt parameter is reported once, not again as a missing bound
        boolean start = query.names().stream().anyMatch(WindowParameters::isStart);
        boolean end = query.names().stream().anyMatch(WindowParameters::isEnd);
        String example = cursor == CursorKind.TIME ? "WHERE updated_at >= :window_start AND updated_at < :window_end"
                : "WHERE id >= :id_start AND id < :id_end";
        if (!start && !end) {
            config.problem("query", "the query uses no window parameter, so every window would read every row; add " + example
                    + ", or set unbounded: true if reading the same rows in every window is what you want");
            return false;
        }
        if (!start || !end) {
            config.problem("query", "the query uses " + (start ? "a start" : "an end") + " but no " + (start ? "end" : "start")
                    + " parameter, so windows would overlap; bound both ends: " + example + " (or set unbounded: true)");
            return false;
        }
        return ok;
    }
}
