-- An agent's load counts the chats offered to them (routing.rs `LOAD`): offers, and chats
-- another agent transferred to them while keeping them, so any state. The index on offered
-- chats only could not serve it, and each count read the whole chats table: with 500
-- agents available, routing's choice of agent took 330 ms (bench team, BENCHMARKS.md).
CREATE INDEX chats_offered_any ON chats (offered_agent_id) WHERE offered_agent_id IS NOT NULL;
