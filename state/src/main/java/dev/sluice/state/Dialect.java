package dev.sluice.state;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** What differs between the SQL databases that can hold the books. Everything else is shared SQL. */
enum Dialect {
    /** Times are ISO-8601 UTC text; booleans are 0/1. */
    SQLITE("db/sluice/sqlite", "") {
        @Override
        void setInstant(PreparedStatement ps, int index, Instant t) throws SQLException {
            if (t == null)
                ps.setNull(index, Types.VARCHAR);
            else
                ps.setString(index, t.truncatedTo(ChronoUnit.MICROS).toString());
        }

        @Override
        Instant getInstant(ResultSet rs, String column) throws SQLException {
            String text = rs.getString(column);
            return text == null ? null : Instant.parse(text);
        }

        /**
         * Instant.toString() writes a fraction of 0, 3, 6 or 9 digits, so the stored text does not order
         * as time within a second ("…:00Z" sorts after "…:00.5Z"): the key is the text up to the seconds
         * followed by the fraction padded to six digits (times are kept to the microsecond).
         */
        @Override
        String ordered(String time) {
            return "(substr(" + time + ", 1, 19) || substr(ltrim(rtrim(substr(" + time + ", 20), 'Z'), '.') || '000000', 1, 6))";
        }

        @Override
        Object ordered(Instant t) {
            Instant micros = t.truncatedTo(ChronoUnit.MICROS);
            return SECONDS.format(micros) + String.format(Locale.ROOT, "%06d", micros.getNano() / 1_000);
        }

        @Override
        Failure classify(SQLException e) {
            // sqlite-jdbc reports the (possibly extended) result code; the primary code is its low byte.
            return switch (e.getErrorCode() & 0xff) {
                case 11, 26 -> Failure.DAMAGED; // SQLITE_CORRUPT, SQLITE_NOTADB
                case 5, 6, 8, 10, 13, 14, 15, 17 -> Failure.UNAVAILABLE; // BUSY LOCKED READONLY IOERR FULL CANTOPEN PROTOCOL SCHEMA
                case 19 -> Failure.CONFLICT; // SQLITE_CONSTRAINT
                default -> {
                    String message = String.valueOf(e.getMessage());
                    yield message.contains("no such table") || message.contains("no such column")
                            ? Failure.SCHEMA_MISMATCH
                            : Failure.UNAVAILABLE;
                }
            };
        }
    },
    /** Times are timestamptz; booleans are booleans. */
    POSTGRESQL("db/sluice/postgresql", " FOR UPDATE") {
        @Override
        void setInstant(PreparedStatement ps, int index, Instant t) throws SQLException {
            if (t == null)
                ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
            else
                ps.setObject(index, OffsetDateTime.ofInstant(t.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC));
        }

        @Override
        Instant getInstant(ResultSet rs, String column) throws SQLException {
            OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
            return t == null ? null : t.toInstant();
        }

        @Override
        String ordered(String time) {
            return time;
        }

        @Override
        Object ordered(Instant t) {
            return t;
        }

        @Override
        Failure classify(SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            if (state.startsWith("08") || state.startsWith("57") || state.startsWith("53") || state.equals("40001")
                    || state.equals("40P01") || state.startsWith("28"))
                return Failure.UNAVAILABLE; // connection, shutdown, resources, serialization, deadlock, auth
            if (state.startsWith("23"))
                return Failure.CONFLICT;
            if (state.equals("42P01") || state.equals("42703"))
                return Failure.SCHEMA_MISMATCH; // undefined table or column
            return Failure.UNAVAILABLE;
        }
    };

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    /** How a failed statement should be reported. */
    enum Failure { DAMAGED, UNAVAILABLE, CONFLICT, SCHEMA_MISMATCH }

    private final String migrations;
    private final String forUpdate;

    Dialect(String migrations, String forUpdate) {
        this.migrations = migrations;
        this.forUpdate = forUpdate;
    }

    /** The classpath folder of this dialect's Flyway migrations. */
    String migrations() {
        return migrations;
    }

    /**
     * Appended to a SELECT that reads a row it will then update in the same transaction. SQLite needs
     * none: its write transactions begin IMMEDIATE and so hold the database's write lock already.
     */
    String forUpdate() {
        return forUpdate;
    }

    /** Binds an instant, truncated to microseconds (what timestamptz keeps), or SQL NULL. */
    abstract void setInstant(PreparedStatement ps, int index, Instant t) throws SQLException;

    abstract Instant getInstant(ResultSet rs, String column) throws SQLException;

    /**
     * An SQL expression of the time {@code time} (a column, or an expression of columns) that compares
     * and sorts as the instants it holds, against the parameter value {@link #ordered(Instant)} gives.
     */
    abstract String ordered(String time);

    /** The parameter value to compare with {@link #ordered(String)}. */
    abstract Object ordered(Instant t);

    abstract Failure classify(SQLException e);

    /** A failure after which the connection must be replaced (PostgreSQL restarted, network gone). */
    boolean connectionLost(SQLException e) {
        String state = e.getSQLState();
        return this == POSTGRESQL && state != null && (state.startsWith("08") || state.startsWith("57P"));
    }
}
