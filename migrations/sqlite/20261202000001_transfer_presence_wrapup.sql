-- Transfers, presence and wrap-up.
-- chats: the customer's client's last sign of life (the customer-absent rule); wrap-up
-- (an ended chat stays the agent's, counting against capacity, until wrapped_ms is set).
ALTER TABLE chats ADD COLUMN customer_seen_ms BIGINT;
ALTER TABLE chats ADD COLUMN wrapped_ms BIGINT;
ALTER TABLE chats ADD COLUMN disposition TEXT;
ALTER TABLE chats ADD COLUMN wrapup_note TEXT;
UPDATE chats SET wrapped_ms = ended_ms WHERE state = 'ended';
UPDATE chats SET customer_seen_ms = created_ms;
CREATE INDEX chats_wrapup ON chats (agent_id) WHERE state = 'ended' AND wrapped_ms IS NULL;

-- messages: 1 for lines only agents see (a transfer's note).
ALTER TABLE messages ADD COLUMN internal INTEGER NOT NULL DEFAULT 0;

-- agents: the console that speaks for the agent now; a newer one takes over.
ALTER TABLE agents ADD COLUMN desk TEXT;

-- Every time a chat changed hands other than by routing: to a queue, to an agent, back to
-- the queue because its agent's desktop went silent, or by a supervisor.
CREATE TABLE chat_transfers (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id         INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('queue', 'agent', 'absent', 'supervisor')),
    from_agent_id   INTEGER REFERENCES agents (id),
    from_queue_id   INTEGER NOT NULL REFERENCES queues (id),
    to_queue_id     INTEGER NOT NULL REFERENCES queues (id),
    to_agent_id     INTEGER REFERENCES agents (id),
    note            TEXT NOT NULL DEFAULT '',
    outcome         TEXT CHECK (outcome IN ('accepted', 'declined', 'expired', 'withdrawn')),
    reason          TEXT,
    created_ms      INTEGER NOT NULL,
    seen_ms         INTEGER
);
CREATE INDEX chat_transfers_chat ON chat_transfers (chat_id, id);
CREATE INDEX chat_transfers_from ON chat_transfers (from_agent_id, kind);

-- The wrap-up form's choices, in order.
CREATE TABLE dispositions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL UNIQUE,
    position    INTEGER NOT NULL,
    created_ms  INTEGER NOT NULL
);
INSERT INTO dispositions (name, position, created_ms) VALUES
    ('Resolved', 1, 0), ('Follow-up needed', 2, 0), ('Transferred', 3, 0), ('Other', 4, 0);
