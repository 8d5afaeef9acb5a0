-- One row per rate-limited key (e.g. the address new chats come from). A transaction that
-- counts against a limit first upserts its key's row: the row lock makes concurrent
-- requests for the same key count one after another, so a limit holds under concurrency
-- on PostgreSQL as it does on SQLite (where writers are serialized anyway).
CREATE TABLE rate_keys (
    name       TEXT PRIMARY KEY,
    touched_ms BIGINT NOT NULL
);
CREATE INDEX rate_keys_touched ON rate_keys (touched_ms);
