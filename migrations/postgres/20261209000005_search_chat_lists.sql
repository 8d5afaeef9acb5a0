-- Message search lists the chats its filters keep (store/search.rs) from the indexes alone:
-- with the chat's id in each index, a queue's 7,900 chats come from an index-only scan
-- instead of 1,400 heap pages (15-34 ms at a million messages, when the messages' pages
-- have pushed the chats' out of the cache).
DROP INDEX chats_agent_any;
CREATE INDEX chats_agent_any ON chats (agent_id, id);
DROP INDEX chats_contact;
CREATE INDEX chats_contact ON chats (contact_id, id);
CREATE INDEX chats_queue ON chats (queue_id, id);
