-- Live Window schema (PostgreSQL). Times are milliseconds since the Unix epoch, taken from the
-- database's clock; the SQLite migration of the same name has the same tables and columns.

CREATE TABLE agents (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            TEXT NOT NULL,
    email           TEXT NOT NULL UNIQUE,
    status          TEXT NOT NULL DEFAULT 'offline' CHECK (status IN ('available', 'away', 'offline')),
    max_chats       BIGINT NOT NULL DEFAULT 3 CHECK (max_chats >= 0),
    last_seen_ms    BIGINT NOT NULL DEFAULT 0,
    last_offer_ms   BIGINT NOT NULL DEFAULT 0,
    created_ms      BIGINT NOT NULL
);

CREATE TABLE queues (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_ms  BIGINT NOT NULL
);

CREATE TABLE agent_queues (
    agent_id    BIGINT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    queue_id    BIGINT NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
    PRIMARY KEY (agent_id, queue_id)
);

CREATE TABLE accounts (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number      TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    industry    TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    city        TEXT NOT NULL DEFAULT '',
    version     BIGINT NOT NULL DEFAULT 1,
    updated_ms  BIGINT NOT NULL
);

CREATE TABLE contacts (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id  BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    first_name  TEXT NOT NULL,
    last_name   TEXT NOT NULL,
    email       TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    version     BIGINT NOT NULL DEFAULT 1,
    updated_ms  BIGINT NOT NULL
);
CREATE INDEX contacts_email ON contacts (lower(email));
CREATE INDEX contacts_name ON contacts (lower(last_name), lower(first_name));
CREATE INDEX contacts_account ON contacts (account_id);

CREATE TABLE assets (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id  BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    contact_id  BIGINT REFERENCES contacts (id) ON DELETE SET NULL,
    product     TEXT NOT NULL,
    serial      TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'active',
    version     BIGINT NOT NULL DEFAULT 1,
    updated_ms  BIGINT NOT NULL
);
CREATE INDEX assets_account ON assets (account_id);
CREATE INDEX assets_contact ON assets (contact_id);

CREATE TABLE work_orders (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number      TEXT NOT NULL UNIQUE,
    account_id  BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    contact_id  BIGINT REFERENCES contacts (id) ON DELETE SET NULL,
    asset_id    BIGINT REFERENCES assets (id) ON DELETE SET NULL,
    subject     TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'open',
    priority    TEXT NOT NULL DEFAULT 'normal',
    opened_ms   BIGINT NOT NULL,
    due_ms      BIGINT,
    closed_ms   BIGINT,
    version     BIGINT NOT NULL DEFAULT 1,
    updated_ms  BIGINT NOT NULL
);
CREATE INDEX work_orders_account ON work_orders (account_id);
CREATE INDEX work_orders_contact ON work_orders (contact_id);

CREATE TABLE chats (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    queue_id            BIGINT NOT NULL REFERENCES queues (id),
    customer_name       TEXT NOT NULL,
    customer_email      TEXT NOT NULL,
    contact_id          BIGINT REFERENCES contacts (id) ON DELETE SET NULL,
    state               TEXT NOT NULL CHECK (state IN ('queued', 'offered', 'active', 'ended')),
    end_reason          TEXT,
    offered_agent_id    BIGINT REFERENCES agents (id),
    offer_deadline_ms   BIGINT,
    agent_id            BIGINT REFERENCES agents (id),
    created_ms          BIGINT NOT NULL,
    queued_ms           BIGINT NOT NULL,
    accepted_ms         BIGINT,
    ended_ms            BIGINT
);
CREATE INDEX chats_queued ON chats (state, queue_id, queued_ms);
CREATE INDEX chats_offered_agent ON chats (offered_agent_id) WHERE state = 'offered';
CREATE INDEX chats_agent ON chats (agent_id) WHERE state = 'active';

CREATE TABLE chat_offers (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    chat_id     BIGINT NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    agent_id    BIGINT NOT NULL REFERENCES agents (id),
    offered_ms  BIGINT NOT NULL,
    deadline_ms BIGINT NOT NULL,
    outcome     TEXT CHECK (outcome IN ('accepted', 'declined', 'expired', 'withdrawn')),
    reason      TEXT,
    decided_ms  BIGINT
);
CREATE INDEX chat_offers_chat ON chat_offers (chat_id, agent_id);

CREATE TABLE messages (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    chat_id     BIGINT NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    client_id   TEXT NOT NULL UNIQUE,
    sender      TEXT NOT NULL CHECK (sender IN ('customer', 'agent', 'system')),
    sender_name TEXT NOT NULL,
    agent_id    BIGINT REFERENCES agents (id),
    body_html   TEXT NOT NULL,
    body_text   TEXT NOT NULL,
    created_ms  BIGINT NOT NULL
);
CREATE INDEX messages_chat ON messages (chat_id, id);

CREATE TABLE attachments (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id  BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    file_name   TEXT NOT NULL,
    mime        TEXT NOT NULL,
    size        BIGINT NOT NULL,
    sha256      TEXT NOT NULL,
    bytes       BYTEA NOT NULL
);
CREATE INDEX attachments_message ON attachments (message_id);

CREATE TABLE events (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind        TEXT NOT NULL,
    chat_id     BIGINT,
    agent_id    BIGINT,
    queue_id    BIGINT,
    message_id  BIGINT,
    created_ms  BIGINT NOT NULL
);

-- agent_id 0 is the site level; any other value overrides the site value for that agent.
CREATE TABLE profile_options (
    name        TEXT NOT NULL,
    agent_id    BIGINT NOT NULL DEFAULT 0,
    value       TEXT NOT NULL,
    updated_ms  BIGINT NOT NULL,
    PRIMARY KEY (name, agent_id)
);
