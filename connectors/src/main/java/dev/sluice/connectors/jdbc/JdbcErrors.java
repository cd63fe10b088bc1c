package dev.sluice.connectors.jdbc;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import java.sql.SQLException;

/** What a database's error means for the window, by its SQLState, shared by the JDBC source and sink. */
final class JdbcErrors {
    /** Who can fix it. */
    enum Fault {
        /** The statement or its data is wrong: it fails every time until someone fixes it. */
        REJECTED,
        /** The server refused the login. */
        AUTH,
        /** The server, the network or the transaction failed: the next run may pass. */
        UNAVAILABLE
    }

    private JdbcErrors() {
    }

    /**
     * The fault of an SQLState: 42 syntax or unknown name, 22 data, 23 constraint, 0A not supported, 21
     * cardinality (and 2F, 38, 39, 44) are the user's to fix; 28 is a refused login; anything else (08
     * connection, 40 rollback, 53 resources, 57 cancelled or shut down, 58 and XX system) may pass.
     */
    static Fault fault(String sqlState) {
        String c = sqlState.length() >= 2 ? sqlState.substring(0, 2) : "";
        return switch (c) {
            case "42", "22", "23", "0A", "21", "2F", "38", "39", "44" -> Fault.REJECTED;
            case "28" -> Fault.AUTH;
            default -> Fault.UNAVAILABLE;
        };
    }

    /** The first SQLState in the chain of causes, or empty. */
    static String sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null && !s.getSQLState().isBlank())
                return s.getSQLState();
        }
        return "";
    }

    /** {@code what} failed in a sink: a wrong statement or row is rejected, anything else may pass on the next run. */
    static SluiceException sink(JdbcConnection connection, String what, SQLException e) {
        ErrorCode code = fault(sqlState(e)) == Fault.UNAVAILABLE ? ErrorCode.SINK_UNAVAILABLE : ErrorCode.SINK_REJECTED;
        return new SluiceException(code, what + ": " + connection.redact(describe(e)), e);
    }

    /** The database's message with its SQLState, and the first chained error that adds to it (batch errors hide the cause there). */
    private static String describe(SQLException e) {
        var sb = new StringBuilder(String.valueOf(e.getMessage()).strip());
        String state = sqlState(e);
        if (!state.isEmpty())
            sb.append(" (SQLState ").append(state).append(')');
        SQLException next = e.getNextException();
        if (next != null && next.getMessage() != null && !sb.toString().contains(next.getMessage()))
            sb.append("; ").append(next.getMessage().strip());
        return sb.toString();
    }
}
