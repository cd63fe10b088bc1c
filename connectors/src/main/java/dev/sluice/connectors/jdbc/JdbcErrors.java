package dev.sluice.connectors.jdbc;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import java.sql.SQLException;

/** Turns a database's error into a coded one that keeps the database's own words. */
final class JdbcErrors {
    private JdbcErrors() {
    }

    /** {@code what} failed in a sink: unreachable servers are retryable, rejected statements are not. */
    static SluiceException sink(JdbcConnection connection, String what, SQLException e) {
        return new SluiceException(unreachable(e) ? ErrorCode.SINK_UNAVAILABLE : ErrorCode.SINK_REJECTED,
                what + ": " + connection.redact(describe(e)), e);
    }

    /** The database's message with its SQLState, and the first chained error that adds to it (batch errors hide the cause there). */
    static String describe(SQLException e) {
        var sb = new StringBuilder(String.valueOf(e.getMessage()).strip());
        if (e.getSQLState() != null)
            sb.append(" (SQLState ").append(e.getSQLState()).append(')');
        SQLException next = e.getNextException();
        if (next != null && next.getMessage() != null && !sb.toString().contains(next.getMessage()))
            sb.append("; ").append(next.getMessage().strip());
        return sb.toString();
    }

    /** Whether the error says the server could not be reached or the connection broke (SQLState class 08). */
    static boolean unreachable(SQLException e) {
        String state = e.getSQLState();
        return state == null ? e.getCause() instanceof java.io.IOException : state.startsWith("08") || state.equals("57P01");
    }
}
