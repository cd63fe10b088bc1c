-- Answers a pipeline declared "empty, not failed" (such as an optional endpoint's 400) are counted
-- per window and per run; a key's status remembers the window that processed it, so that replaying
-- failed keys runs those windows again.
ALTER TABLE sluice_ledger ADD COLUMN empty_answers INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sluice_runs ADD COLUMN empty_answers INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sluice_key_status ADD COLUMN cursor_kind TEXT;
ALTER TABLE sluice_key_status ADD COLUMN window_start TEXT;
ALTER TABLE sluice_key_status ADD COLUMN window_end TEXT;
ALTER TABLE sluice_key_status ADD COLUMN backfill INTEGER NOT NULL DEFAULT 0;
