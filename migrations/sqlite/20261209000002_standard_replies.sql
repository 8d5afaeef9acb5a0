-- Standard replies (issue 18): formatted answers an agent inserts with "/", for the whole
-- site, one queue, or one agent. `owner` is the scope as one key ('site', 'queue:3',
-- 'agent:7') so a shortcut and a name are unique within their scope.
CREATE TABLE replies (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    owner       TEXT NOT NULL,
    scope       TEXT NOT NULL CHECK (scope IN ('site', 'queue', 'agent')),
    queue_id    INTEGER REFERENCES queues (id) ON DELETE CASCADE,
    agent_id    INTEGER REFERENCES agents (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    shortcut    TEXT NOT NULL,
    folder      TEXT,
    body_text   TEXT NOT NULL,
    body_html   TEXT,
    uses        INTEGER NOT NULL DEFAULT 0,
    created_ms  INTEGER NOT NULL,
    updated_ms  INTEGER NOT NULL
);
CREATE UNIQUE INDEX replies_owner_shortcut ON replies (owner, shortcut);
CREATE UNIQUE INDEX replies_owner_name ON replies (owner, lower(name));
CREATE INDEX replies_queue ON replies (queue_id);
CREATE INDEX replies_agent ON replies (agent_id);
