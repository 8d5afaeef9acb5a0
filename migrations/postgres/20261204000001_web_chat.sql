-- The web chat page (`livewindow server`).
-- chat_tokens: the secret a customer's browser holds for its chat, stored only as its SHA-256
-- (hex), so a copy of the database does not let anyone into a chat. client_addr is the
-- address that asked, for the new-chats-per-address limit.
CREATE TABLE chat_tokens (
    token_hash  TEXT PRIMARY KEY,
    chat_id     BIGINT NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    client_addr TEXT NOT NULL,
    created_ms  BIGINT NOT NULL
);
CREATE INDEX chat_tokens_addr ON chat_tokens (client_addr, created_ms);
CREATE INDEX chat_tokens_chat ON chat_tokens (chat_id);

-- 1 when the website that sent the customer signed their email (HMAC with the site secret).
ALTER TABLE chats ADD COLUMN verified_by_site BIGINT NOT NULL DEFAULT 0;

-- The estimated wait reads recent accepts of a queue.
CREATE INDEX chats_accepted ON chats (queue_id, accepted_ms);
