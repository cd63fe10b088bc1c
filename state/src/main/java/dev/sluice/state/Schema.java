package dev.sluice.state;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * Brings the schema of the books up to the version this build knows, with Flyway, and refuses state it
 * does not understand. A plain query of the history table comes first, so that opening up-to-date state
 * (every CLI run) never starts Flyway.
 */
final class Schema {
    /** The highest migration under {@code db/sluice/<dialect>/}; a test holds the two in step. */
    static final int CURRENT_VERSION = 4;
    static final String HISTORY_TABLE = "sluice_schema_history";

    private static final String NEVER_RESETS = "Sluice never resets state by itself.";

    private Schema() {}

    /** The state of the history table: absent, or the highest version applied and whether any failed. */
    record Applied(boolean present, int version, String versionText, boolean anyFailed) {
        static final Applied NONE = new Applied(false, 0, "0", false);
    }

    static void ensureCurrent(Connection connection, StateUrl url, DataSource forFlyway) throws SQLException {
        Applied applied = applied(connection, url.dialect());
        if (!applied.present())
            refuseForeign(connection, url);
        if (applied.version() > CURRENT_VERSION)
            throw newer(url, applied.versionText());
        if (applied.present() && applied.version() == CURRENT_VERSION && !applied.anyFailed())
            return;
        migrate(connection, url, forFlyway, applied);
    }

    static Applied applied(Connection connection, Dialect dialect) throws SQLException {
        if (!historyExists(connection, dialect))
            return Applied.NONE;
        int max = 0;
        String maxText = "0";
        boolean failed = false;
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT version, success FROM " + HISTORY_TABLE)) {
            while (rs.next()) {
                String version = rs.getString(1);
                if (!rs.getBoolean(2)) {
                    failed = true;
                    continue;
                }
                if (version == null)
                    continue;
                int major = major(version);
                if (major > max) {
                    max = major;
                    maxText = version;
                }
            }
        }
        return new Applied(true, max, maxText, failed);
    }

    private static boolean historyExists(Connection connection, Dialect dialect) throws SQLException {
        String sql = switch (dialect) {
            case SQLITE -> "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '" + HISTORY_TABLE + "'";
            case POSTGRESQL -> "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() "
                    + "AND table_name = '" + HISTORY_TABLE + "'";
        };
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next();
        }
    }

    /**
     * Without a history table, the state is new only if nothing of ours (PostgreSQL, where the database
     * may be shared) or nothing at all (SQLite, where the file is ours alone) is there yet.
     */
    private static void refuseForeign(Connection connection, StateUrl url) throws SQLException {
        List<String> tables = switch (url.dialect()) {
            case SQLITE -> names(connection,
                    "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name");
            case POSTGRESQL -> names(connection,
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                            + "AND table_name LIKE 'sluice\\_%' ORDER BY table_name");
        };
        if (tables.isEmpty())
            return;
        String shown = tables.size() > 5 ? String.join(", ", tables.subList(0, 5)) + ", …" : String.join(", ", tables);
        throw new SluiceException(ErrorCode.STATE_INCOMPATIBLE, switch (url.dialect()) {
            case SQLITE -> "'" + url.endpoint() + "' is not a Sluice state file (it is a SQLite database with tables "
                    + shown + " but no " + HISTORY_TABLE + "); move it away or point --state elsewhere. " + NEVER_RESETS;
            case POSTGRESQL -> "PostgreSQL state at " + url.description() + " has tables " + shown + " but no "
                    + HISTORY_TABLE + ", so Sluice did not create them; use another database or schema for --state, "
                    + "or move those tables away. " + NEVER_RESETS;
        });
    }

    private static SluiceException newer(StateUrl url, String version) {
        return new SluiceException(ErrorCode.STATE_INCOMPATIBLE, "state at " + url.description()
                + " was written by a newer Sluice (schema v" + version + ", this build knows v" + CURRENT_VERSION
                + "); upgrade Sluice");
    }

    private static void migrate(Connection connection, StateUrl url, DataSource forFlyway, Applied before)
            throws SQLException {
        try {
            Flyway.configure(Schema.class.getClassLoader())
                    .dataSource(forFlyway)
                    .locations("classpath:" + url.dialect().migrations())
                    .table(HISTORY_TABLE)
                    // A shared PostgreSQL schema may hold other applications' tables (ours were refused
                    // above); Flyway would refuse a non-empty schema without a baseline below V1.
                    .baselineOnMigrate(url.dialect() == Dialect.POSTGRESQL)
                    .baselineVersion("0")
                    .baselineDescription("before Sluice")
                    .placeholderReplacement(false)
                    .cleanDisabled(true)
                    .validateMigrationNaming(true)
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            // Another process may have migrated at the same moment; if the books are current now, fine.
            Applied after = applied(connection, url.dialect());
            if (after.present() && after.version() == CURRENT_VERSION && !after.anyFailed())
                return;
            SQLException sql = sqlCause(e);
            if (sql != null && url.dialect().classify(sql) == Dialect.Failure.UNAVAILABLE)
                throw new SluiceException(ErrorCode.STATE_UNAVAILABLE, "state at " + url.description()
                        + " could not be brought to schema v" + CURRENT_VERSION + ": " + e.getMessage()
                        + "; check that it is reachable and writable, then retry", e);
            throw new SluiceException(ErrorCode.STATE_INCOMPATIBLE, "state at " + url.description()
                    + " could not be brought from schema v" + before.versionText() + " to v" + CURRENT_VERSION + ": "
                    + e.getMessage() + "; nothing was reset. " + NEVER_RESETS, e);
        }
        Applied after = applied(connection, url.dialect());
        if (after.version() != CURRENT_VERSION || after.anyFailed())
            throw new SluiceException(ErrorCode.STATE_INCOMPATIBLE, "state at " + url.description()
                    + " is at schema v" + after.versionText() + " after migrating, expected v" + CURRENT_VERSION
                    + (after.anyFailed() ? " (a migration failed; see " + HISTORY_TABLE + ")" : ""));
    }

    private static List<String> names(Connection connection, String sql) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next())
                names.add(rs.getString(1));
        }
        return names;
    }

    private static int major(String version) {
        int dot = version.indexOf('.');
        try {
            return Integer.parseInt(dot < 0 ? version.strip() : version.substring(0, dot).strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static SQLException sqlCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause())
            if (c instanceof SQLException sql)
                return sql;
        return null;
    }

    /** Hands Flyway connections made exactly like the store's own (same pragmas, same credentials). */
    record ConnectingDataSource(JdbcStateStore.Connector connector) implements DataSource {
        @Override
        public Connection getConnection() throws SQLException {
            return connector.connect();
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return connector.connect();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {}

        @Override
        public void setLoginTimeout(int seconds) {}

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
