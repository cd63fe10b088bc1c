-- A random identity for these books, so that a sink writing to a database can tell whether the books are
-- kept in that same database (and schema), and commit its rows and the ledger in one transaction.
CREATE TABLE sluice_store (
    store_id TEXT NOT NULL PRIMARY KEY
);
INSERT INTO sluice_store (store_id) VALUES (md5(random()::text || clock_timestamp()::text));
