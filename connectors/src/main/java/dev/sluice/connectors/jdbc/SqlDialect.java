package dev.sluice.connectors.jdbc;

import java.util.Locale;

/** The databases whose SQL the JDBC connectors speak natively; any other driver is {@link #OTHER}. */
public enum SqlDialect {
    POSTGRESQL, MARIADB, SQLITE, OTHER;

    static SqlDialect of(String jdbcUrl) {
        String u = jdbcUrl.toLowerCase(Locale.ROOT);
        if (u.startsWith("jdbc:postgresql:"))
            return POSTGRESQL;
        if (u.startsWith("jdbc:mariadb:") || u.startsWith("jdbc:mysql:"))
            return MARIADB;
        if (u.startsWith("jdbc:sqlite:"))
            return SQLITE;
        return OTHER;
    }

    /** {@code name} quoted as an identifier, so that reserved words and mixed case work as written. */
    public String quote(String name) {
        return switch (this) {
            case MARIADB -> "`" + name.replace("`", "``") + "`";
            default -> "\"" + name.replace("\"", "\"\"") + "\"";
        };
    }

    /** A dotted name ({@code schema.table}) quoted part by part. */
    public String quoteQualified(String name) {
        var sb = new StringBuilder();
        for (String part : name.split("\\.", -1)) {
            if (!sb.isEmpty())
                sb.append('.');
            sb.append(quote(part));
        }
        return sb.toString();
    }
}
