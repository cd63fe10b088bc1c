-- The books of every pipeline, SQLite dialect. Keep the logical schema in step with
-- db/sluice/postgresql/V1__books.sql. Times are ISO-8601 UTC text (Instant.toString()).
-- Keys (start_key, end_key, position_key) are longs that order the windows of one cursor kind.

CREATE TABLE sluice_watermark (
    pipeline      TEXT    NOT NULL PRIMARY KEY,
    cursor_kind   TEXT    NOT NULL,
    position_text TEXT    NOT NULL,
    position_key  INTEGER NOT NULL,
    updated_at    TEXT    NOT NULL
);

CREATE TABLE sluice_runs (
    run_id            INTEGER PRIMARY KEY AUTOINCREMENT,
    pipeline          TEXT    NOT NULL,
    sequence          INTEGER NOT NULL,
    kind              TEXT    NOT NULL,
    status            TEXT    NOT NULL,
    started_at        TEXT    NOT NULL,
    finished_at       TEXT,
    windows_succeeded INTEGER NOT NULL DEFAULT 0,
    windows_failed    INTEGER NOT NULL DEFAULT 0,
    records_read      INTEGER NOT NULL DEFAULT 0,
    records_written   INTEGER NOT NULL DEFAULT 0,
    records_rejected  INTEGER NOT NULL DEFAULT 0,
    error_id          TEXT,
    details           TEXT    NOT NULL DEFAULT '',
    UNIQUE (pipeline, sequence)
);

CREATE TABLE sluice_errors (
    error_id TEXT    NOT NULL PRIMARY KEY,
    pipeline TEXT    NOT NULL,
    run_id   INTEGER REFERENCES sluice_runs (run_id),
    code     TEXT    NOT NULL,
    message  TEXT    NOT NULL,
    context  TEXT    NOT NULL DEFAULT '{}', -- a JSON object of strings
    at       TEXT    NOT NULL
);

-- id is the rowid, without AUTOINCREMENT: ledger rows are never deleted, so ids are never reused, and
-- AUTOINCREMENT would write sqlite_sequence once more for every window.
CREATE TABLE sluice_ledger (
    id               INTEGER PRIMARY KEY,
    pipeline         TEXT    NOT NULL,
    backfill         INTEGER NOT NULL CHECK (backfill IN (0, 1)),
    cursor_kind      TEXT    NOT NULL,
    start_text       TEXT    NOT NULL,
    end_text         TEXT    NOT NULL,
    start_key        INTEGER NOT NULL,
    end_key          INTEGER NOT NULL,
    status           TEXT    NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'discarded')),
    attempt          INTEGER NOT NULL,
    records_read     INTEGER NOT NULL DEFAULT 0,
    records_written  INTEGER NOT NULL DEFAULT 0,
    records_rejected INTEGER NOT NULL DEFAULT 0,
    run_id           INTEGER NOT NULL REFERENCES sluice_runs (run_id),
    error_id         TEXT,
    started_at       TEXT    NOT NULL,
    finished_at      TEXT
);

-- markRunning finds a window by (pipeline, backfill, start_key); entriesFrom and ledger() scan it in
-- window order. Its entries end with the row id, which orders entries of one window.
CREATE INDEX sluice_ledger_window ON sluice_ledger (pipeline, backfill, start_key);
-- Windows that are not (or not yet) succeeded: few, so this index stays small and cheap to keep on the
-- hot path (a window enters it when it starts and leaves it when it succeeds). It serves windowCounts()
-- and ledger() of one such status; queries repeat its WHERE term so that SQLite can use it.
CREATE INDEX sluice_ledger_unfinished ON sluice_ledger (pipeline, status, start_key) WHERE status <> 'succeeded';

CREATE TABLE sluice_key_status (
    pipeline    TEXT    NOT NULL,
    key         TEXT    NOT NULL,
    outcome     TEXT    NOT NULL CHECK (outcome IN ('succeeded', 'failed')),
    reason      TEXT,
    answered_by TEXT,
    attempts    INTEGER NOT NULL,
    error_id    TEXT,
    updated_at  TEXT    NOT NULL,
    PRIMARY KEY (pipeline, key)
);

CREATE TABLE sluice_leases (
    pipeline    TEXT NOT NULL PRIMARY KEY,
    holder      TEXT NOT NULL,
    token       TEXT NOT NULL,
    acquired_at TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
