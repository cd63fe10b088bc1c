-- What `sluice serve` and `sluice cleanup` need, PostgreSQL dialect. Keep in step with
-- db/sluice/sqlite/V4__switches_and_cleanup.sql.

-- A pipeline switched on or off by hand (the REST API), at most one switch per pipeline. file_enabled
-- is the value of the pipeline file's `enabled:` key when the switch was set, so that a later edit of
-- the file can win.
CREATE TABLE sluice_switches (
    pipeline     TEXT        NOT NULL PRIMARY KEY,
    enabled      BOOLEAN     NOT NULL,
    file_enabled BOOLEAN     NOT NULL,
    changed_at   TIMESTAMPTZ NOT NULL,
    reason       TEXT        NOT NULL DEFAULT ''
);

-- cleanup() deletes runs; for every run it deletes, the database looks for rows that still refer to it
-- (the foreign keys of the ledger and of errors), which without these indexes is a scan of each table
-- per run. errorsOfRun() reads errors by run as well. An entry of the ledger is one more index entry,
-- appended at the end: new windows belong to the newest run.
CREATE INDEX sluice_ledger_run ON sluice_ledger (run_id);
CREATE INDEX sluice_errors_run ON sluice_errors (run_id);


-- From this version, cleanup() deletes old discarded ledger entries. It never deletes the entry with
-- the highest id: on SQLite that keeps ids from being reused, and both dialects keep the same books.
