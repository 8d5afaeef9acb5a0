-- Message search lists the chats its filters keep (store/search.rs on PostgreSQL) from
-- the indexes alone; the same indexes here, so both databases keep one schema.
DROP INDEX chats_agent_any;
CREATE INDEX chats_agent_any ON chats (agent_id, id);
DROP INDEX chats_contact;
CREATE INDEX chats_contact ON chats (contact_id, id);
CREATE INDEX chats_queue ON chats (queue_id, id);
