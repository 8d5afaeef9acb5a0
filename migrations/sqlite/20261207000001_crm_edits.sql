-- Who changed a CRM record and when: one row per create or update, written in the change's
-- own transaction (issue 16: every CRM edit records who made it and when).
CREATE TABLE crm_edits (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    record_kind TEXT NOT NULL,
    record_id   INTEGER NOT NULL,
    agent_id    INTEGER NOT NULL REFERENCES agents(id),
    action      TEXT NOT NULL CHECK (action IN ('create', 'update')),
    at_ms       INTEGER NOT NULL
);
CREATE INDEX crm_edits_record ON crm_edits (record_kind, record_id);
