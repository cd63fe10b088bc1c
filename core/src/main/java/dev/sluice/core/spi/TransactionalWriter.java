package dev.sluice.core.spi;

import java.sql.Connection;

/**
 * A window writer whose staged output is an open transaction in a SQL database. When the state store
 * keeps its books in that same database, the runner writes the window's ledger entry and watermark
 * into this transaction before {@link #commit()}, so that the window's rows and its place on the books
 * become durable together or not at all (DESIGN.md section 3: exactly once).
 */
public interface TransactionalWriter extends WindowWriter {
    /**
     * The connection of the open transaction, with every record written so far already sent. The runner
     * only adds its own statements to it and never commits or closes it.
     */
    Connection transaction();
}
