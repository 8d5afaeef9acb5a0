-- Accounts (issue 16): every agent gets a role and, for team mode, a password; sign-ins
-- make sessions; sign-in attempts are counted per address and per account.

-- role: what the user may do. password_hash: an Argon2id PHC string, NULL for users made
-- before accounts (or by the demo), who cannot sign in until one is set.
-- must_change_password: 1 after a one-time password was given. disabled: 1 = cannot sign in.
ALTER TABLE agents ADD COLUMN role TEXT NOT NULL DEFAULT 'agent'
    CHECK (role IN ('agent', 'supervisor', 'admin'));
ALTER TABLE agents ADD COLUMN password_hash TEXT;
ALTER TABLE agents ADD COLUMN must_change_password BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agents ADD COLUMN disabled BIGINT NOT NULL DEFAULT 0;

-- A signed-in device. The token itself is never stored, only its SHA-256 (hex), so a copy
-- of the database opens no session. revoked_why: signed_out, revoked, password_changed,
-- disabled (see core's SessionEnd).
CREATE TABLE sessions (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agent_id            BIGINT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    token_sha256        TEXT NOT NULL UNIQUE,
    device              TEXT NOT NULL,
    address             TEXT NOT NULL,
    created_ms          BIGINT NOT NULL,
    last_seen_ms        BIGINT NOT NULL,
    idle_expires_ms     BIGINT NOT NULL,
    absolute_expires_ms BIGINT NOT NULL,
    revoked_ms          BIGINT,
    revoked_why         TEXT
);
CREATE INDEX sessions_agent ON sessions (agent_id, revoked_ms);

-- Sign-in attempts per subject ('address:…' or 'account:…') and minute (ms / 60000 on the
-- database's clock), counted with one upsert so that concurrent attempts from any number
-- of server processes can never pass the limit together.
CREATE TABLE sign_in_attempts (
    subject   TEXT NOT NULL,
    minute    BIGINT NOT NULL,
    attempts  BIGINT NOT NULL,
    PRIMARY KEY (subject, minute)
);
CREATE INDEX sign_in_attempts_minute ON sign_in_attempts (minute);
