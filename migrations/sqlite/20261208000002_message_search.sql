-- Full-text search over transcripts (issue 18). An FTS5 index of messages' plain text,
-- its rowid the message's id ("external content": the text is read back from messages,
-- not stored twice). unicode61 splits words on everything but letters and digits, as
-- livewindow_core::search::words does, and folds case and diacritics.
CREATE VIRTUAL TABLE messages_fts USING fts5(
    body_text,
    content = 'messages',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    -- Doclists of every 2- and 3-letter prefix too: "ka*" would otherwise merge the lists
    -- of every word starting so (180 ms for 150 words at a million messages; 2 ms with
    -- these, for a fifth more index).
    prefix = '2 3'
);

-- Every writer keeps the index right, whatever path it takes (the store, a seed, a chat's
-- deletion cascading to its messages).
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, body_text) VALUES (new.id, new.body_text);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, body_text) VALUES ('delete', old.id, old.body_text);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF body_text ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, body_text) VALUES ('delete', old.id, old.body_text);
    INSERT INTO messages_fts (rowid, body_text) VALUES (new.id, new.body_text);
END;

-- The messages already there.
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');

-- A date range becomes a range of message ids (store/search.rs): two probes of this.
CREATE INDEX messages_created ON messages (created_ms);
-- "The chats an agent may see": those they were the agent of, and those they wrote in.
CREATE INDEX messages_agent ON messages (agent_id, chat_id) WHERE agent_id IS NOT NULL;
CREATE INDEX chats_agent_any ON chats (agent_id);
-- The contact filter starts from the contact's chats.
CREATE INDEX chats_contact ON chats (contact_id);
