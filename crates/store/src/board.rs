//! The supervisor's board, read in one go: every queue, agent and live chat, and the last
//! hour's figures per queue. The process's shared reader (desks.rs) reads it at most twice
//! a second while events come and a supervisor watches, and hands each supervisor their
//! part as changes: the database's load does not grow with the supervisors.

use super::{Result, Store};
use livewindow_core::supervise::{AgentRow, Board, ChatRow, Phase, QueueRow};
use livewindow_core::{AgentStatus, options};
use sqlx::Row;
use std::collections::BTreeMap;

/// The live chats: waiting, offered, active, and in wrap-up (two index reads, not a scan of
/// every chat ever). The customer's last line is found walking the chat's messages back.
const LIVE_CHATS: &str = "SELECT c.id, c.queue_id, c.state, c.agent_id, c.offered_agent_id, \
     a.name AS agent, c.customer_name, c.queued_ms, c.accepted_ms, c.ended_ms, c.help_ms, \
     (SELECT m.created_ms FROM messages m WHERE m.chat_id = c.id AND m.sender = 'customer' \
      ORDER BY m.id DESC LIMIT 1) AS customer_last_ms \
     FROM chats c LEFT JOIN agents a ON a.id = COALESCE(c.agent_id, c.offered_agent_id) \
     WHERE c.state IN ('queued', 'offered', 'active') \
     UNION ALL \
     SELECT c.id, c.queue_id, c.state, c.agent_id, c.offered_agent_id, \
     a.name AS agent, c.customer_name, c.queued_ms, c.accepted_ms, c.ended_ms, c.help_ms, NULL \
     FROM chats c JOIN agents a ON a.id = c.agent_id \
     WHERE c.state = 'ended' AND c.wrapped_ms IS NULL AND c.agent_id IS NOT NULL";

/// Per queue, the chats asked for in the last hour: answered, answered in time, abandoned,
/// and still waiting past the service-level time.
const HOUR: &str = "SELECT queue_id, \
     sum(CASE WHEN accepted_ms IS NOT NULL THEN 1 ELSE 0 END) AS answered, \
     sum(CASE WHEN accepted_ms IS NOT NULL AND accepted_ms - created_ms <= $2 THEN 1 ELSE 0 END) AS in_time, \
     sum(CASE WHEN accepted_ms IS NULL AND state = 'ended' THEN 1 ELSE 0 END) AS abandoned, \
     sum(CASE WHEN accepted_ms IS NULL AND state <> 'ended' AND $3 - created_ms > $2 THEN 1 ELSE 0 END) AS late \
     FROM chats WHERE created_ms >= $1 GROUP BY queue_id";

impl Store {
    /// The whole board as it is now (every queue: cut it with `Board::scoped`).
    pub async fn board(&self) -> Result<Board> {
        let mut tx = self.pool().begin().await?;
        let now: i64 = sqlx::query_scalar(self.sql("SELECT NOW_MS"))
            .fetch_one(&mut *tx)
            .await?;
        let level = super::options::option_on(&mut *tx, options::OPT_SERVICE_LEVEL, None).await?;
        let level_ms = options::number(options::OPT_SERVICE_LEVEL, level.as_deref()) * 1000;
        let mut queues: BTreeMap<i64, QueueRow> = sqlx::query("SELECT id, name FROM queues")
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| {
                let id: i64 = r.try_get("id")?;
                Ok((id, empty_queue(id, r.try_get("name")?)))
            })
            .collect::<Result<_>>()?;
        for r in sqlx::query(HOUR)
            .bind(now - 3_600_000)
            .bind(level_ms)
            .bind(now)
            .fetch_all(&mut *tx)
            .await?
        {
            if let Some(q) = queues.get_mut(&r.try_get::<i64, _>("queue_id")?) {
                q.answered_hour = r.try_get::<Option<i64>, _>("answered")?.unwrap_or(0);
                q.in_time_hour = r.try_get::<Option<i64>, _>("in_time")?.unwrap_or(0);
                q.abandoned_hour = r.try_get::<Option<i64>, _>("abandoned")?.unwrap_or(0);
                q.late_waiting = r.try_get::<Option<i64>, _>("late")?.unwrap_or(0);
            }
        }
        let mut agents: BTreeMap<i64, AgentRow> = sqlx::query(
            "SELECT id, name, status, status_ms, max_chats, last_seen_ms FROM agents \
             WHERE disabled = 0",
        )
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| {
            let status: String = r.try_get("status")?;
            let id: i64 = r.try_get("id")?;
            Ok((
                id,
                AgentRow {
                    id,
                    name: r.try_get("name")?,
                    status: AgentStatus::parse(&status).unwrap_or(AgentStatus::Offline),
                    status_ms: r.try_get("status_ms")?,
                    chats: 0,
                    wrapups: 0,
                    max_chats: r.try_get("max_chats")?,
                    last_seen_ms: r.try_get("last_seen_ms")?,
                    asking_help: false,
                    queues: Vec::new(),
                },
            ))
        })
        .collect::<Result<_>>()?;
        for r in sqlx::query("SELECT agent_id, queue_id FROM agent_queues ORDER BY queue_id")
            .fetch_all(&mut *tx)
            .await?
        {
            if let Some(a) = agents.get_mut(&r.try_get::<i64, _>("agent_id")?) {
                a.queues.push(r.try_get("queue_id")?);
            }
        }
        let mut offers: BTreeMap<i64, i64> = BTreeMap::new();
        let mut chats = BTreeMap::new();
        for r in sqlx::query(LIVE_CHATS).fetch_all(&mut *tx).await? {
            let row = chat_row(&r)?;
            let offered: Option<i64> = r.try_get("offered_agent_id")?;
            if let Some(o) = offered {
                *offers.entry(o).or_default() += 1;
            }
            count(&mut queues, &mut agents, &row);
            chats.insert(row.id, row);
        }
        tx.commit().await?;
        for q in queues.values_mut() {
            q.available = agents
                .values()
                .filter(|a| {
                    a.status == AgentStatus::Available
                        && a.queues.contains(&q.id)
                        && a.chats + a.wrapups + offers.get(&a.id).copied().unwrap_or(0)
                            < a.max_chats
                })
                .count() as i64;
        }
        Ok(Board {
            at_ms: now,
            queues,
            agents,
            chats,
        })
    }
}

fn empty_queue(id: i64, name: String) -> QueueRow {
    QueueRow {
        id,
        name,
        waiting: 0,
        oldest_ms: None,
        offering: 0,
        available: 0,
        answered_hour: 0,
        in_time_hour: 0,
        abandoned_hour: 0,
        late_waiting: 0,
    }
}

fn chat_row(r: &sqlx::any::AnyRow) -> Result<ChatRow> {
    let state: String = r.try_get("state")?;
    let phase = match state.as_str() {
        "queued" => Phase::Waiting,
        "offered" => Phase::Offered,
        "active" => Phase::Active,
        _ => Phase::WrapUp,
    };
    let since: Option<i64> = match phase {
        Phase::Waiting | Phase::Offered => r.try_get("queued_ms")?,
        Phase::Active => r.try_get("accepted_ms")?,
        Phase::WrapUp => r.try_get("ended_ms")?,
    };
    let agent_id: Option<i64> = r.try_get("agent_id")?;
    let offered: Option<i64> = r.try_get("offered_agent_id")?;
    Ok(ChatRow {
        id: r.try_get("id")?,
        queue_id: r.try_get("queue_id")?,
        agent_id: agent_id.or(offered),
        agent: r.try_get("agent")?,
        customer: r.try_get("customer_name")?,
        phase,
        since_ms: since.unwrap_or(0),
        customer_last_ms: r.try_get("customer_last_ms")?,
        help_ms: r.try_get("help_ms")?,
    })
}

/// Adds a live chat to its queue's and its agent's figures.
fn count(queues: &mut BTreeMap<i64, QueueRow>, agents: &mut BTreeMap<i64, AgentRow>, c: &ChatRow) {
    if let Some(q) = queues.get_mut(&c.queue_id) {
        match c.phase {
            Phase::Waiting => q.waiting += 1,
            Phase::Offered => q.offering += 1,
            _ => {}
        }
        if matches!(c.phase, Phase::Waiting | Phase::Offered) {
            q.oldest_ms = Some(q.oldest_ms.map_or(c.since_ms, |o| o.min(c.since_ms)));
        }
    }
    let owner = c
        .agent_id
        .filter(|_| matches!(c.phase, Phase::Active | Phase::WrapUp));
    if let Some(a) = owner.and_then(|id| agents.get_mut(&id)) {
        match c.phase {
            Phase::Active => a.chats += 1,
            _ => a.wrapups += 1,
        }
        a.asking_help |= c.help_ms.is_some();
    }
}
