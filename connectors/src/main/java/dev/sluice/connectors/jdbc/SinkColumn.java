package dev.sluice.connectors.jdbc;

import java.sql.Types;
import java.util.Locale;

/** A column the JDBC sink writes: its name as the database stores it, and how values are converted for it. */
record SinkColumn(String name, Kind kind, String typeName) {
    enum Kind { INTEGER, DECIMAL, FLOAT, BOOLEAN, TEXT, JSON, BINARY, DATE, TIME, TIMESTAMP, TIMESTAMPTZ, UUID, OTHER }

    /** The kind of a column from its JDBC type and the database's own type name. */
    static Kind kindOf(SqlDialect dialect, int jdbcType, String typeName) {
        String t = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
        // MariaDB's TIMESTAMP is an instant, shown in the session's zone (UTC on Sluice's connections); DATETIME is local.
        if (dialect == SqlDialect.MARIADB && t.equals("timestamp"))
            return Kind.TIMESTAMPTZ;
        if (t.equals("json") || t.equals("jsonb"))
            return Kind.JSON;
        if (t.equals("uuid"))
            return Kind.UUID;
        if (t.equals("timestamptz") || t.startsWith("timestamp with time zone"))
            return Kind.TIMESTAMPTZ;
        return switch (jdbcType) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> Kind.INTEGER;
            case Types.DECIMAL, Types.NUMERIC -> Kind.DECIMAL;
            case Types.REAL, Types.FLOAT, Types.DOUBLE -> Kind.FLOAT;
            case Types.BIT, Types.BOOLEAN -> Kind.BOOLEAN;
            case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR, Types.CLOB,
                 Types.NCLOB -> Kind.TEXT;
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> Kind.BINARY;
            case Types.DATE -> Kind.DATE;
            case Types.TIME, Types.TIME_WITH_TIMEZONE -> Kind.TIME;
            case Types.TIMESTAMP -> Kind.TIMESTAMP;
            case Types.TIMESTAMP_WITH_TIMEZONE -> Kind.TIMESTAMPTZ;
            default -> Kind.OTHER;
        };
    }
}
