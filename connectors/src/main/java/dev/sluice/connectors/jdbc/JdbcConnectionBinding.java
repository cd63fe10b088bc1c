package dev.sluice.connectors.jdbc;

import dev.sluice.core.Secret;
import dev.sluice.core.config.ConfigObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Reads one entry under {@code connections:} that has a {@code url: jdbc:...}. */
final class JdbcConnectionBinding {
    private JdbcConnectionBinding() {
    }

    static JdbcConnection bind(ConfigObject c) {
        String name = c.path().substring(c.path().lastIndexOf('.') + 1);
        String url = c.required("url", "jdbc:postgresql://127.0.0.1:5432/warehouse");
        if (url != null && !url.startsWith("jdbc:")) {
            c.problem("url", "'" + url + "' is not a JDBC URL; it starts with jdbc:, e.g. jdbc:postgresql://host:5432/db, "
                    + "jdbc:mariadb://host:3306/db or jdbc:sqlite:data/app.db");
            url = null;
        }
        Optional<String> user = c.string("user");
        Optional<Secret> password = c.secret("password");
        Map<String, String> properties = c.stringMap("properties").orElse(Map.of());
        for (String key : properties.keySet()) {
            if (key.equalsIgnoreCase("password") || key.equalsIgnoreCase("user"))
                c.problem("properties", "set " + key.toLowerCase(java.util.Locale.ROOT) + ": on the connection itself, not under properties:");
        }
        Optional<Path> driverJar = c.file("driver_jar");
        Optional<String> driverClass = c.string("driver_class");
        if (driverClass.isPresent() && driverJar.isEmpty())
            c.problem("driver_class", "driver_class needs driver_jar: the jar that holds it, e.g. driver_jar: drivers/ojdbc11.jar");
        int poolSize = c.integer("pool_size", 1, 1000).orElse((long) JdbcConnection.DEFAULT_POOL_SIZE).intValue();
        Duration connectTimeout = c.duration("connect_timeout").orElse(JdbcConnection.DEFAULT_CONNECT_TIMEOUT);
        if (connectTimeout.isZero() || connectTimeout.isNegative()) {
            c.problem("connect_timeout", "must be more than zero, e.g. connect_timeout: 30s");
            connectTimeout = JdbcConnection.DEFAULT_CONNECT_TIMEOUT;
        }
        if (url != null && SqlDialect.of(url) == SqlDialect.OTHER && driverJar.isEmpty())
            c.problem("url", "no driver for '" + url.substring(0, Math.min(url.length(), 40)) + "' is built in (PostgreSQL, MariaDB/MySQL "
                    + "and SQLite are); name the driver's jar with driver_jar: drivers/DRIVER.jar");
        c.finish();
        return new JdbcConnection(name, url == null ? "jdbc:invalid:" : url, user, password, properties, driverJar, driverClass,
                poolSize, connectTimeout);
    }
}
