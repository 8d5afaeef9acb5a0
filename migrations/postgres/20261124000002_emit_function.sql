-- Appending an event is one round trip: take the ordering lock, insert, notify. The lock is
-- transaction-scoped and held to commit, so event ids become visible in commit order.
CREATE FUNCTION lw_emit(p_kind TEXT, p_chat BIGINT, p_agent BIGINT, p_queue BIGINT, p_message BIGINT)
RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
    new_id BIGINT;
BEGIN
    PERFORM pg_advisory_xact_lock(7270010);
    INSERT INTO events (kind, chat_id, agent_id, queue_id, message_id, created_ms)
    VALUES (p_kind, p_chat, p_agent, p_queue, p_message,
            CAST(extract(epoch FROM clock_timestamp()) * 1000 AS BIGINT))
    RETURNING id INTO new_id;
    PERFORM pg_notify('livewindow_events', '');
    RETURN new_id;
END;
$$;
