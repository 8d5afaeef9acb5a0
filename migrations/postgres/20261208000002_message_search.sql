-- Full-text search over transcripts (issue 18). A stored tsvector of messages' plain text
-- in the 'simple' configuration (customers write in any language: no stemming, no stop
-- words, a prefix matches as typed), with a GIN index. ASCII punctuation becomes a space
-- first, so words split as SQLite's unicode61 and livewindow_core::search::words split
-- them ("ana@example.com" is the words ana, example, com, not one email token). Generated
-- by the database: every writer keeps it right; adding it fills the existing rows.
ALTER TABLE messages ADD COLUMN body_tsv tsvector GENERATED ALWAYS AS (
    to_tsvector('simple'::regconfig, regexp_replace(body_text, '[!-/:-@[-`{-~]+', ' ', 'g'))
) STORED;
CREATE INDEX messages_body_tsv ON messages USING gin (body_tsv);

-- A date range becomes a range of message ids (store/search.rs): two probes of this.
CREATE INDEX messages_created ON messages (created_ms);
-- "The chats an agent may see": those they were the agent of, and those they wrote in.
CREATE INDEX messages_agent ON messages (agent_id, chat_id) WHERE agent_id IS NOT NULL;
CREATE INDEX chats_agent_any ON chats (agent_id);
-- The contact filter starts from the contact's chats.
CREATE INDEX chats_contact ON chats (contact_id);
