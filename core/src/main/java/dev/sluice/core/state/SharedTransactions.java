package dev.sluice.core.state;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * A state store kept in a SQL database that a sink can write to as well. Its ledger changes can join a
 * transaction the sink has open there, so that data and books commit together.
 */
public interface SharedTransactions {
    /**
     * Whether {@code connection} reaches the database and schema these books are kept in. Runs only
     * read-only statements that cannot fail the connection's transaction.
     */
    boolean keepsBooksIn(Connection connection) throws SQLException;

    /**
     * {@link StateStore#markSucceeded} done inside the open transaction of {@code connection}: nothing
     * is durable until the caller commits it, and nothing remains if the caller rolls it back.
     */
    LedgerEntry markSucceededWithin(Connection connection, LedgerEntry entry, Counts counts, Optional<Position> newWatermark)
            throws SQLException;
}
