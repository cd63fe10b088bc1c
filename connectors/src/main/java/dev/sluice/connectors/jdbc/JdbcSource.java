package dev.sluice.connectors.jdbc;

import static java.util.Objects.requireNonNull;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import dev.sluice.core.spi.DataRecord;
import dev.sluice.core.spi.Page;
import dev.sluice.core.spi.Source;
import dev.sluice.core.spi.SourceContext;
import dev.sluice.core.window.Window;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a window by running the pipeline's query with the window's bounds bound to its parameters, and
 * streams the rows page by page: the statement and its result stay open between the pages of a window,
 * on a pooled connection of their own, and are released when the window's last row is read. Rows are
 * fetched {@code fetch_size} at a time (a server-side cursor on PostgreSQL, a streamed result on
 * MariaDB), never all at once.
 *
 * <p>A page position is the number of rows of the window read so far. The pages of a window come in
 * order from one thread; when a position is not where the open result is (a new source after a restart),
 * the query runs again and skips that many rows, which gives the same rows only when the query has an
 * ORDER BY over a unique key. Reading a window's first page again (a retry) first releases what an earlier
 * attempt left open. A window given up half-way for another reason (a step or the sink failed) keeps its
 * connection until it is read again or the source is closed.
 */
final class JdbcSource implements Source {
    private static final Logger log = LoggerFactory.getLogger(JdbcSource.class);
    /** MariaDB drops a result the client has not read for net_write_timeout (60s by default): slow steps between pages would break it. */
    private static final long MARIADB_WRITE_TIMEOUT_SECONDS = 3600;

    private final JdbcConnection connection;
    private final JdbcSourceConfig config;
    private final Map<Window, WindowQuery> open = new ConcurrentHashMap<>();
    private final AtomicBoolean opened = new AtomicBoolean();

    JdbcSource(JdbcConnection connection, JdbcSourceConfig config) {
        this.connection = requireNonNull(connection, "connection is null");
        this.config = requireNonNull(config, "config is null");
    }

    JdbcSourceConfig config() {
        return config;
    }

    JdbcConnection connection() {
        return connection;
    }

    @Override
    public void open(SourceContext context) throws IOException {
        if (opened.compareAndSet(false, true))
            connection.open();
    }

    @Override
    public Page read(Window window, Optional<String> after) {
        long position = after.map(a -> position(a, window)).orElse(0L);
        WindowQuery q = open.get(window);
        if (q != null && (after.isEmpty() || q.position != position)) {
            // A retry of the window, or a position the open result is not at: start afresh.
            open.remove(window, q);
            q.release();
            q = null;
        }
        if (q == null) {
            q = start(window);
            open.put(window, q);
        }
        q.lock.lock();
        try {
            Page page = q.page(position);
            if (page.next().isEmpty()) {
                open.remove(window, q);
                q.release();
            }
            return page;
        } catch (SQLException | RuntimeException e) {
            open.remove(window, q);
            q.release();
            throw failure(e, window);
        } finally {
            q.lock.unlock();
        }
    }

    /** Releases every open result and connection, waiting for a page being read (cancelling it after 10s). */
    @Override
    public void close() {
        for (WindowQuery q : List.copyOf(open.values())) {
            open.values().remove(q);
            try {
                if (!q.lock.tryLock(10, TimeUnit.SECONDS)) {
                    q.cancel();
                    q.lock.lock();
                }
                try {
                    q.release();
                } finally {
                    q.lock.unlock();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                q.release();
                break;
            }
        }
        if (opened.compareAndSet(true, false))
            connection.close();
    }

    private long position(String after, Window window) {
        try {
            long p = Long.parseLong(after);
            if (p >= 0)
                return p;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new SluiceException(ErrorCode.INTERNAL, what(window) + ": '" + after + "' is not a page position of a jdbc source "
                + "(a count of rows read); read the window from its first page");
    }

    /** Runs the query for {@code window} on a connection of its own. */
    private WindowQuery start(Window window) {
        Connection c;
        try {
            c = connection.borrow();
        } catch (SQLException e) {
            throw unreachable(e, window);
        }
        var q = new WindowQuery(c);
        try {
            q.restore = prepareSession(c);
            q.statement = c.prepareStatement(config.query().sql(), ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
            q.statement.setFetchSize(config.fetchSize());
            q.statement.setQueryTimeout((int) config.queryTimeout().toSeconds());
            WindowParameters.bind(q.statement, config.query(), window, connection.dialect(), config.zone());
            q.rows = q.statement.executeQuery();
            ResultSetMetaData md = q.rows.getMetaData();
            Map<String, List<Integer>> duplicates = JdbcTypes.duplicateLabels(md);
            if (!duplicates.isEmpty())
                throw new SluiceException(ErrorCode.SOURCE_REJECTED, what(window) + ": the query returns "
                        + duplicates.entrySet().stream().map(d -> "the column label '" + d.getKey() + "' " + d.getValue().size()
                                + " times (columns " + d.getValue().stream().map(String::valueOf).collect(Collectors.joining(", ")) + ")")
                                .collect(Collectors.joining(" and "))
                        + "; every column becomes a field of the record, so give each its own name, e.g. SELECT a.id AS a_id, b.id AS b_id");
            q.labels = new String[md.getColumnCount()];
            for (int i = 0; i < q.labels.length; i++)
                q.labels[i] = md.getColumnLabel(i + 1);
            q.columns = JdbcTypes.columns(md, connection.dialect(), config.zone(), config.jsonColumns());
            return q;
        } catch (SQLException | RuntimeException e) {
            q.release();
            throw failure(e, window);
        }
    }

    /**
     * Sets what the query's session must have, and returns how to put the pooled connection back as it was.
     * PostgreSQL: the transaction's TimeZone (rolled back with it). MariaDB: time_zone UTC, so that
     * TIMESTAMP columns are read as UTC, and a long net_write_timeout.
     */
    private SessionRestore prepareSession(Connection c) throws SQLException {
        switch (connection.dialect()) {
            case POSTGRESQL -> {
                ZoneId zone = config.zone().normalized();
                if (zone instanceof ZoneOffset offset && offset.getTotalSeconds() != 0) {
                    try (Statement s = c.createStatement()) {
                        // An ISO offset (east positive); the offset's id is strictly +hh:mm[:ss].
                        s.execute("SET LOCAL TIME ZONE INTERVAL '" + offset.getId() + "' HOUR TO MINUTE");
                    }
                } else {
                    try (PreparedStatement s = c.prepareStatement("SELECT set_config('TimeZone', ?, true)")) {
                        s.setString(1, zone instanceof ZoneOffset ? "UTC" : zone.getId());
                        s.executeQuery().close();
                    }
                }
                return null;
            }
            case MARIADB -> {
                String zone;
                long writeTimeout;
                try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT @@session.time_zone, @@session.net_write_timeout")) {
                    r.next();
                    zone = r.getString(1);
                    writeTimeout = r.getLong(2);
                }
                setMariaDbSession(c, "+00:00", Math.max(writeTimeout, MARIADB_WRITE_TIMEOUT_SECONDS));
                return restored -> setMariaDbSession(restored, zone, writeTimeout);
            }
            default -> {
                return null;
            }
        }
    }

    private static void setMariaDbSession(Connection c, String zone, long writeTimeout) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SET time_zone = ?, net_write_timeout = ?")) {
            s.setString(1, zone);
            s.setLong(2, writeTimeout);
            s.execute();
        }
    }

    @FunctionalInterface
    private interface SessionRestore {
        void restore(Connection c) throws SQLException;
    }

    /** The statement, result and connection of one window being read; used by the one thread reading that window. */
    private final class WindowQuery {
        final ReentrantLock lock = new ReentrantLock();
        final Connection connection;
        SessionRestore restore;
        PreparedStatement statement;
        ResultSet rows;
        String[] labels;
        JdbcTypes.Column[] columns;
        /** Rows read so far. */
        long position;
        /** Whether the result stands on a row not yet read (the look-ahead that tells whether a page is the last). */
        boolean onRow;
        boolean released;

        WindowQuery(Connection connection) {
            this.connection = connection;
        }

        Page page(long from) throws SQLException {
            while (position < from) { // resuming at a position on a new result
                if (!advance())
                    return Page.last(List.of());
                position++;
            }
            var records = new ArrayList<DataRecord>(Math.min(config.pageSize(), 1024));
            while (records.size() < config.pageSize()) {
                if (!advance())
                    return Page.last(records);
                records.add(new DataRecord(JdbcTypes.row(rows, labels, columns)));
                position++;
            }
            onRow = rows.next();
            return onRow ? Page.more(records, Long.toString(position)) : Page.last(records);
        }

        private boolean advance() throws SQLException {
            if (onRow) {
                onRow = false;
                return true;
            }
            return rows.next();
        }

        void cancel() {
            try {
                if (statement != null)
                    statement.cancel();
            } catch (SQLException e) {
                log.atWarn().addKeyValue("statement", config.name()).addKeyValue("error", redacted(e)).log("cannot cancel a query being read");
            }
        }

        /** Closes the result and statement, puts the session back, rolls back and returns the connection to the pool. */
        void release() {
            if (released)
                return;
            released = true;
            SQLException problem = null;
            try {
                if (rows != null)
                    rows.close();
            } catch (SQLException e) {
                problem = e;
            }
            try {
                if (statement != null)
                    statement.close();
            } catch (SQLException e) {
                problem = problem == null ? e : problem;
            }
            try {
                if (restore != null)
                    restore.restore(connection);
                connection.rollback();
            } catch (SQLException e) {
                problem = problem == null ? e : problem;
            }
            try {
                connection.close();
            } catch (SQLException e) {
                problem = problem == null ? e : problem;
            }
            if (problem != null)
                log.atWarn().addKeyValue("statement", config.name()).addKeyValue("error", redacted(problem))
                        .log("releasing a window's connection failed; the pool replaces it");
        }
    }

    private String redacted(SQLException e) {
        return connection.redact(e.getMessage());
    }

    private String what(Window window) {
        return "jdbc source '" + config.name() + "' on connection '" + connection.name() + "' (" + connection.describe() + "), window " + window;
    }

    private SluiceException unreachable(SQLException e, Window window) {
        ErrorCode code = JdbcErrors.fault(JdbcErrors.sqlState(e)) == JdbcErrors.Fault.AUTH ? ErrorCode.SOURCE_AUTH_FAILED
                : ErrorCode.SOURCE_UNAVAILABLE;
        String advice = code == ErrorCode.SOURCE_AUTH_FAILED ? "check the user and password of connection '" + connection.name() + "'"
                : "check that the database is running and reachable at that address (or raise connect_timeout); the window was not "
                + "committed and the next run retries it";
        return new SluiceException(code, what(window) + ": cannot get a database connection: " + messages(e) + "; " + advice, e);
    }

    /** An SQL error (or a row that cannot be read) as an error of the window, coded by its SQLState class. */
    private SluiceException failure(Throwable e, Window window) {
        if (e instanceof SluiceException s)
            return s;
        if (e instanceof IllegalArgumentException bad)
            return new SluiceException(ErrorCode.SOURCE_INVALID_DATA, what(window) + ": " + connection.redact(bad.getMessage())
                    + "; fix the data, or drop the column from json_columns; the window was not committed", e);
        if (!(e instanceof SQLException sql))
            return SluiceException.wrap(e, ErrorCode.INTERNAL);
        String state = JdbcErrors.sqlState(sql);
        ErrorCode code = switch (JdbcErrors.fault(state)) {
            case REJECTED -> ErrorCode.SOURCE_REJECTED;
            case AUTH -> ErrorCode.SOURCE_AUTH_FAILED;
            case UNAVAILABLE -> ErrorCode.SOURCE_UNAVAILABLE;
        };
        String advice = switch (code) {
            case SOURCE_REJECTED -> "fix source.query (a statement the database refuses fails every time); the window was not committed";
            case SOURCE_AUTH_FAILED -> "check the user and password of connection '" + connection.name() + "' and its grants";
            default -> "the window was not committed and the next run retries it";
        };
        return new SluiceException(code, what(window) + ": the database answered: " + messages(sql)
                + (state.isEmpty() ? "" : " (SQLState " + state + ")") + "; " + advice, e);
    }

    /** The message of {@code e} and of its causes that say something more, without the password. */
    private String messages(Throwable e) {
        var parts = new ArrayList<String>();
        for (Throwable t = e; t != null && parts.size() < 3; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && !m.isBlank() && parts.stream().noneMatch(p -> p.contains(m.strip())))
                parts.add(m.strip());
        }
        return connection.redact(parts.isEmpty() ? e.getClass().getSimpleName() : String.join(": ", parts));
    }
}
