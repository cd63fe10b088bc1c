package dev.sluice.core.spi;

import dev.sluice.core.PipelineId;
import java.sql.Connection;
import java.sql.SQLException;

/** What a sink may know of the run it is part of. */
public interface SinkContext {
    PipelineId pipeline();

    /**
     * Whether the run's books are kept in the database {@code connection} reaches. When they are, the
     * runner commits a {@link TransactionalWriter}'s rows and the window's ledger entry in one transaction,
     * so a sink that could not otherwise make a re-run of a window harmless (plain inserts) is exactly once.
     * Runs only read-only statements that leave the connection's transaction usable.
     */
    default boolean keepsBooksIn(Connection connection) throws SQLException {
        return false;
    }
}
