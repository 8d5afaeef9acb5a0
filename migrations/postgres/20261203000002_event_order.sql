-- Event order without a global lock.
--
-- Until now every event-writing transaction took one advisory lock from its event insert to
-- its commit, so ids became visible in commit order; that serialized every writer through
-- its commit's WAL flush. Now writers run in parallel and readers decide what is safe to
-- read (see `events_after` in src/store/events.rs):
--
-- * A writer takes its top-level transaction id before its event ids (`pg_current_xact_id`),
--   then inserts the events inside a subtransaction, whose xid is drawn after the ids.
--   That xid is the rows' `xmin`: every transaction that drew a smaller event id had its
--   own xid before it.
-- * A reader delivers events up to the highest visible id whose row's `xmin` is at or below
--   its snapshot's xmin (`pg_snapshot_xmin(pg_current_snapshot())`, the oldest transaction
--   still running). Every transaction that drew a smaller id has then ended, so no smaller
--   id can still appear: a reader never passes an id that is still in flight.
--
-- Ids stay in dependency order (a transaction that read another's committed change draws
-- its ids after that one), which `xid` order would not give.

-- All of a transaction's events in one call (WriteTx buffers them until commit), so a
-- transaction opens one subtransaction however many events it writes. Returns the last id.
CREATE OR REPLACE FUNCTION lw_emit_batch(p_kinds TEXT[], p_chats BIGINT[], p_agents BIGINT[],
                                         p_queues BIGINT[], p_messages BIGINT[])
RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
    ids BIGINT[];
BEGIN
    -- Our xid first, so it is smaller than the xmin of any event drawn after our ids.
    PERFORM pg_current_xact_id();
    ids := ARRAY(SELECT nextval('events_id_seq') FROM generate_series(1, cardinality(p_kinds)));
    -- A block with an exception clause is a subtransaction: its xid, taken by the insert,
    -- is drawn after the ids above.
    BEGIN
        INSERT INTO events (id, kind, chat_id, agent_id, queue_id, message_id, created_ms)
        OVERRIDING SYSTEM VALUE
        SELECT ids[i], p_kinds[i], p_chats[i], p_agents[i], p_queues[i], p_messages[i],
               CAST(extract(epoch FROM clock_timestamp()) * 1000 AS BIGINT)
        FROM generate_subscripts(p_kinds, 1) AS i;
    EXCEPTION WHEN raise_exception THEN
        RAISE;
    END;
    RETURN ids[cardinality(ids)];
END;
$$;

-- The one-event form older binaries call. It no longer locks; it still notifies inside the
-- transaction, as those binaries do not notify after their commit.
CREATE OR REPLACE FUNCTION lw_emit(p_kind TEXT, p_chat BIGINT, p_agent BIGINT, p_queue BIGINT, p_message BIGINT)
RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
    new_id BIGINT;
BEGIN
    new_id := lw_emit_batch(ARRAY[p_kind], ARRAY[p_chat], ARRAY[p_agent], ARRAY[p_queue], ARRAY[p_message]);
    PERFORM pg_notify('livewindow_events', '');
    RETURN new_id;
END;
$$;
