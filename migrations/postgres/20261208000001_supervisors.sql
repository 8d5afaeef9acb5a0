-- Supervisors (issue 17): who supervises which queues, who watches or joined which chat,
-- an agent's request for help, how long an agent has been in their status, and the audit
-- of every supervisor action.

-- A supervisor supervises these queues (administrators supervise all without rows).
CREATE TABLE supervised_queues (
    agent_id    BIGINT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    queue_id    BIGINT NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
    PRIMARY KEY (agent_id, queue_id)
);

-- A supervisor watching a chat (Monitor), or in it (Join: joined = 1).
CREATE TABLE chat_watchers (
    chat_id     BIGINT NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    agent_id    BIGINT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    joined      BIGINT NOT NULL DEFAULT 0,
    since_ms    BIGINT NOT NULL,
    PRIMARY KEY (chat_id, agent_id)
);

-- The chat's agent asks for help since help_ms; cleared when a supervisor whispers, joins
-- or dismisses it.
ALTER TABLE chats ADD COLUMN help_ms BIGINT;

-- Since when the agent's status holds (the board's "time in status").
ALTER TABLE agents ADD COLUMN status_ms BIGINT NOT NULL DEFAULT 0;
UPDATE agents SET status_ms = last_seen_ms;

-- The board's last-hour figures read chats by when they were asked for.
CREATE INDEX chats_created ON chats (created_ms);

CREATE TABLE audit_log (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at_ms       BIGINT NOT NULL,
    actor_id    BIGINT NOT NULL REFERENCES agents (id),
    action      TEXT NOT NULL,
    chat_id     BIGINT,
    agent_id    BIGINT,
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at_ms);
CREATE INDEX audit_log_chat ON audit_log (chat_id);
