package dev.sluice.connectors.jdbc;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.core.ErrorCode;
import dev.sluice.core.Secret;
import dev.sluice.core.SluiceException;
import dev.sluice.core.config.ConfigObject;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * A named database connection of a pipeline file ({@code connections: {NAME: {url: jdbc:...}}}): a pool
 * of connections shared by the source, the steps and the sink that name it. Binding does no I/O; the
 * first {@link #open()} builds the pool and the last {@link #close()} releases it.
 *
 * <p>Pooled connections are handed out with auto-commit off: every user ends its work with a commit or
 * a rollback, and the pool rolls back whatever a user left open.
 */
public final class JdbcConnection implements AutoCloseable {
    static final int DEFAULT_POOL_SIZE = 4;
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern URL_SECRET = Pattern.compile("(?i)((?:password|pwd|secret|token)=)[^&;]*");

    private final String name;
    private final String url;
    private final SqlDialect dialect;
    private final Optional<String> user;
    private final Optional<Secret> password;
    private final Map<String, String> properties;
    private final Optional<Path> driverJar;
    private final Optional<String> driverClass;
    private final int poolSize;
    private final Duration connectTimeout;
    private final ReentrantLock lifecycle = new ReentrantLock();
    // guarded by lifecycle
    private int opened;
    private HikariDataSource pool;
    private URLClassLoader driverLoader;

    JdbcConnection(String name, String url, Optional<String> user, Optional<Secret> password, Map<String, String> properties,
                   Optional<Path> driverJar, Optional<String> driverClass, int poolSize, Duration connectTimeout) {
        this.name = requireNonNull(name, "name is null");
        this.url = requireNonNull(url, "url is null");
        this.dialect = SqlDialect.of(url);
        this.user = requireNonNull(user, "user is null");
        this.password = requireNonNull(password, "password is null");
        this.properties = Map.copyOf(properties);
        this.driverJar = requireNonNull(driverJar, "driverJar is null");
        this.driverClass = requireNonNull(driverClass, "driverClass is null");
        if (poolSize < 1)
            throw new IllegalArgumentException("pool_size must be at least 1, e.g. pool_size: 4");
        this.poolSize = poolSize;
        this.connectTimeout = requireNonNull(connectTimeout, "connectTimeout is null");
    }

    /**
     * Binds the entry {@code connections.NAME} of a pipeline file, reporting every problem to it. Does
     * no I/O: the driver jar is loaded and the server reached by {@link #open()}.
     */
    public static JdbcConnection bind(ConfigObject entry) {
        return JdbcConnectionBinding.bind(entry);
    }

    public String name() {
        return name;
    }

    public SqlDialect dialect() {
        return dialect;
    }

    /** The URL without any password, for messages. */
    public String describe() {
        return URL_SECRET.matcher(url).replaceAll("$1***");
    }

    /**
     * {@code message} (a driver's or the pool's) with this connection's password, and any password in a
     * URL, replaced by {@code ***}, so that it can go into an error or a log line.
     */
    String redact(String message) {
        if (message == null)
            return "";
        String out = message;
        if (password.isPresent() && !password.get().value().isEmpty())
            out = out.replace(password.get().value(), "***");
        return URL_SECRET.matcher(out).replaceAll("$1***");
    }

    /** Opens the connection for one more user; the first builds the pool (without connecting yet). */
    public void open() throws IOException {
        lifecycle.lock();
        try {
            if (opened == 0)
                pool = newPool();
            opened++;
        } finally {
            lifecycle.unlock();
        }
    }

    /** Closes the connection for one user; the last closes the pool and its connections. */
    @Override
    public void close() {
        lifecycle.lock();
        try {
            if (opened == 0 || --opened > 0)
                return;
            pool.close();
            pool = null;
            if (driverLoader != null) {
                try {
                    driverLoader.close();
                } catch (IOException ignored) {
                    // the jar stays open until exit; nothing is lost
                }
                driverLoader = null;
            }
        } finally {
            lifecycle.unlock();
        }
    }

    /**
     * A connection from the pool, with auto-commit off. The caller closes it, which returns it to the pool.
     *
     * @throws SQLException when the database cannot be reached within the connect timeout
     * @throws IllegalStateException when the connection is not open
     */
    public Connection borrow() throws SQLException {
        HikariDataSource p;
        lifecycle.lock();
        try {
            p = pool;
        } finally {
            lifecycle.unlock();
        }
        if (p == null)
            throw new IllegalStateException("connection '" + name + "' is not open");
        return p.getConnection();
    }

    private HikariDataSource newPool() throws IOException {
        Driver driver = driver();
        var props = new Properties();
        props.putAll(defaults());
        props.putAll(properties);
        user.ifPresent(u -> props.setProperty("user", u));
        password.ifPresent(p -> props.setProperty("password", p.value()));
        var config = new HikariConfig();
        config.setPoolName("sluice-" + name);
        // The built-in MariaDB driver speaks to MySQL too, but only takes its own URL scheme.
        String target = driverJar.isEmpty() && url.regionMatches(true, 0, "jdbc:mysql:", 0, 11) ? "jdbc:mariadb:" + url.substring(11) : url;
        config.setDataSource(new DriverSource(driver, target, props));
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(0);
        config.setAutoCommit(false);
        config.setConnectionTimeout(connectTimeout.toMillis());
        // Fail on first use with the database's own message rather than here, where nothing says which window needed it.
        config.setInitializationFailTimeout(-1);
        return new HikariDataSource(config);
    }

    /** Timeouts on every blocking call, unless the pipeline sets the driver's own properties. */
    private Map<String, String> defaults() {
        long seconds = Math.max(1, connectTimeout.toSeconds());
        return switch (dialect) {
            case POSTGRESQL -> Map.of("connectTimeout", Long.toString(seconds), "loginTimeout", Long.toString(seconds),
                    "tcpKeepAlive", "true", "ApplicationName", "sluice");
            // UTC sessions, so that TIMESTAMP columns (instants) are read and written as UTC whatever the server's zone.
            case MARIADB -> Map.of("connectTimeout", Long.toString(seconds * 1000), "tcpKeepAlive", "true",
                    "sessionVariables", "time_zone='+00:00'",
                    // many rows in one round trip for batched inserts
                    "useBulkStmts", "true");
            default -> Map.of();
        };
    }

    private Driver driver() throws IOException {
        if (driverJar.isPresent())
            return driverFromJar(driverJar.get());
        return switch (dialect) {
            case POSTGRESQL -> new org.postgresql.Driver();
            case MARIADB -> new org.mariadb.jdbc.Driver();
            case SQLITE -> new org.sqlite.JDBC();
            case OTHER -> throw new SluiceException(ErrorCode.CONFIG_INVALID, "connection '" + name + "': no driver for "
                    + describe() + " is built in (PostgreSQL, MariaDB/MySQL and SQLite are); name its jar with driver_jar: drivers/DRIVER.jar");
        };
    }

    private Driver driverFromJar(Path jar) throws IOException {
        if (!Files.isRegularFile(jar))
            throw new IOException("driver_jar " + jar + " of connection '" + name + "' is not a file; download the JDBC driver's jar there or fix the path");
        URL location;
        try {
            location = jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IOException("driver_jar " + jar + " is not a valid path: " + e.getMessage(), e);
        }
        driverLoader = new URLClassLoader("sluice-driver-" + name, new URL[] {location}, JdbcConnection.class.getClassLoader());
        try {
            if (driverClass.isPresent())
                return (Driver) Class.forName(driverClass.get(), true, driverLoader).getDeclaredConstructor().newInstance();
            for (Driver d : ServiceLoader.load(Driver.class, driverLoader)) {
                if (d.acceptsURL(url))
                    return d;
            }
        } catch (ReflectiveOperationException | ClassCastException | SQLException e) {
            throw new IOException("cannot load the JDBC driver " + driverClass.orElse("") + " from " + jar + ": " + e, e);
        }
        throw new IOException("no driver in " + jar + " accepts " + describe() + "; check the URL, or name the class with driver_class:");
    }

    @Override
    public String toString() {
        return "jdbc connection '" + name + "' " + describe();
    }
}
