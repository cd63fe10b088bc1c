package dev.sluice.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh, empty MariaDB database for one test class, dropped after it:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final MariaDbFixture mariadb = new MariaDbFixture();
 * }</pre>
 *
 * The database lives on the local server at 127.0.0.1:3306 (user {@code root} with an empty password).
 * There is no embedded MariaDB: when the local server cannot be reached, the test class is skipped and
 * the reason is printed.
 */
public final class MariaDbFixture implements BeforeAllCallback, AfterAllCallback {
    private static final String HOST = "jdbc:mariadb://127.0.0.1:3306/";
    private static final String OPTIONS = "?user=root&connectTimeout=3000";

    private String database;

    /** The database's name, for SQL that names it. */
    public String database() {
        if (database == null)
            throw new IllegalStateException("the MariaDB fixture is not started; register it with @RegisterExtension on a static field");
        return database;
    }

    /** The JDBC URL of this fixture's database, with the user in it and no password. */
    public String jdbcUrl() {
        return HOST + database() + "?user=root";
    }

    /** A new connection to this fixture's database, for a test to arrange or inspect it; close it. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(HOST + database() + OPTIONS);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        String unavailable = Server.PROBLEM;
        if (unavailable != null) {
            String reason = "skipping " + context.getDisplayName() + ": no MariaDB for tests: " + unavailable;
            System.err.println(reason);
            Assumptions.abort(reason);
        }
        String name = "sluice_test_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()).toLowerCase(Locale.ROOT);
        try (Connection c = DriverManager.getConnection(HOST + OPTIONS); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name + " on the local MariaDB: " + e.getMessage(), e);
        }
        database = name;
    }

    @Override
    public void afterAll(ExtensionContext context) throws SQLException {
        if (database == null)
            return;
        try (Connection c = DriverManager.getConnection(HOST + OPTIONS); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database);
        } finally {
            database = null;
        }
    }

    /** Whether the local server answers, found once per JVM by the class loader's lock. */
    private static final class Server {
        static final String PROBLEM = probe();

        private static String probe() {
            try (Connection c = DriverManager.getConnection(HOST + OPTIONS)) {
                return c.isValid(3) ? null : "the server at 127.0.0.1:3306 did not answer a ping";
            } catch (SQLException e) {
                return "local server at 127.0.0.1:3306: " + e.getMessage();
            }
        }
    }
}
