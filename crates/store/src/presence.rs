//! Presence: which console speaks for an agent (the newest one opened takes over; an older
//! one learns it at its next heartbeat and stops), heartbeats, and status changes that
//! respect it.

use super::{NewEvent, Result, Store, StoreError};
use livewindow_core::{AgentStatus, EventKind};

impl Store {
    /// A console opens for the agent: it becomes their desk, and any older console of theirs
    /// stops at its next heartbeat. Returns the desk's id.
    pub async fn claim_desk(&self, agent_id: i64) -> Result<String> {
        let desk = uuid::Uuid::new_v4().to_string();
        let mut w = self.write().await?;
        let changed = sqlx::query(
            self.sql("UPDATE agents SET desk = $1, last_seen_ms = NOW_MS WHERE id = $2"),
        )
        .bind(&desk)
        .bind(agent_id)
        .execute(&mut *w.tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound(format!("no agent with id {agent_id}")));
        }
        w.commit_with(EventKind::AgentStatus, NewEvent::agent(agent_id))
            .await?;
        Ok(desk)
    }

    /// The desk says it is still there, and learns the agent's status as stored (it may
    /// have been set elsewhere). `None` when another console has taken over: this one must
    /// stop.
    pub async fn desk_heartbeat(&self, agent_id: i64, desk: &str) -> Result<Option<AgentStatus>> {
        let mut w = self.write().await?;
        let status: Option<String> = sqlx::query_scalar(self.sql(
            "UPDATE agents SET last_seen_ms = NOW_MS WHERE id = $1 AND desk = $2 RETURNING status",
        ))
        .bind(agent_id)
        .bind(desk)
        .fetch_optional(&mut *w.tx)
        .await?;
        w.commit().await?;
        Ok(status.map(|s| AgentStatus::parse(&s).unwrap_or(AgentStatus::Offline)))
    }

    /// Many desks' heartbeats in one transaction (a server's, gathered over a second or
    /// two): each counts only from the agent's current desk. Gives every agent's current
    /// desk and status, for the server to answer the next heartbeats from.
    pub async fn desk_heartbeats(
        &self,
        beats: &[(i64, String)],
    ) -> Result<Vec<(i64, Option<String>, AgentStatus)>> {
        let mut seen = Vec::with_capacity(beats.len());
        for chunk in beats.chunks(400) {
            let pairs = (0..chunk.len())
                .map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2))
                .collect::<Vec<_>>()
                .join(", ");
            let ids = super::placeholders(chunk.len());
            let mut w = self.write().await?;
            let update = format!(
                "UPDATE agents SET last_seen_ms = NOW_MS WHERE (id, desk) IN (VALUES {pairs})"
            );
            let mut q = sqlx::query(self.sql(&update));
            for (agent, desk) in chunk {
                q = q.bind(*agent).bind(desk.as_str());
            }
            q.execute(&mut *w.tx).await?;
            let read = format!("SELECT id, desk, status FROM agents WHERE id IN ({ids})");
            let mut q = sqlx::query(self.sql(&read));
            for (agent, _) in chunk {
                q = q.bind(*agent);
            }
            let rows = q.fetch_all(&mut *w.tx).await?;
            w.commit().await?;
            for row in &rows {
                use sqlx::Row;
                let status: String = row.try_get("status")?;
                seen.push((
                    row.try_get("id")?,
                    row.try_get("desk")?,
                    AgentStatus::parse(&status).unwrap_or(AgentStatus::Offline),
                ));
            }
        }
        Ok(seen)
    }

    /// Sets the agent's status from their desk; a desk that was taken over changes nothing
    /// (closing an old window must not set the agent Offline for the new one). False then.
    pub async fn set_desk_status(
        &self,
        agent_id: i64,
        desk: &str,
        status: AgentStatus,
    ) -> Result<bool> {
        self.change_status(agent_id, status, Some(desk)).await
    }

    /// The one way a status changes: the row (from `desk` only, when given; it also counts
    /// as a heartbeat), its event in the same transaction, and routing after a change to
    /// Available, which may bring offers. False when no row matched.
    pub(super) async fn change_status(
        &self,
        agent_id: i64,
        status: AgentStatus,
        desk: Option<&str>,
    ) -> Result<bool> {
        let mut w = self.write().await?;
        if !self
            .change_status_in(&mut w, agent_id, status, desk)
            .await?
        {
            return Ok(false);
        }
        w.commit().await?;
        if status == AgentStatus::Available {
            self.route().await?;
        }
        Ok(true)
    }

    /// [`Store::change_status`] inside the caller's transaction (a supervisor's, with its
    /// audit row); the caller routes after committing a change to Available.
    pub(super) async fn change_status_in(
        &self,
        w: &mut super::WriteTx,
        agent_id: i64,
        status: AgentStatus,
        desk: Option<&str>,
    ) -> Result<bool> {
        let update = match desk {
            Some(desk) => sqlx::query(self.sql(
                "UPDATE agents SET status = $1, last_seen_ms = NOW_MS, \
                 status_ms = CASE WHEN status = $1 THEN status_ms ELSE NOW_MS END \
                 WHERE id = $2 AND desk = $3",
            ))
            .bind(status.as_str())
            .bind(agent_id)
            .bind(desk),
            None => sqlx::query(self.sql(
                "UPDATE agents SET status = $1, last_seen_ms = NOW_MS, \
                 status_ms = CASE WHEN status = $1 THEN status_ms ELSE NOW_MS END WHERE id = $2",
            ))
            .bind(status.as_str())
            .bind(agent_id),
        };
        if update.execute(&mut *w.tx).await?.rows_affected() == 0 {
            return Ok(false);
        }
        w.emit(EventKind::AgentStatus, NewEvent::agent(agent_id))
            .await?;
        Ok(true)
    }

    /// Chats that went back to their queue because this agent's desktop went silent, which
    /// the agent has not been told of yet: (chat id, customer name, queue). Marks them told.
    pub async fn requeued_while_away(&self, agent_id: i64) -> Result<Vec<(i64, String, String)>> {
        let mut w = self.write().await?;
        let rows = sqlx::query(
            "SELECT t.id, c.id AS chat_id, c.customer_name, q.name AS queue FROM chat_transfers t \
             JOIN chats c ON c.id = t.chat_id JOIN queues q ON q.id = t.to_queue_id \
             WHERE t.from_agent_id = $1 AND t.kind = 'absent' AND t.seen_ms IS NULL ORDER BY t.id",
        )
        .bind(agent_id)
        .fetch_all(&mut *w.tx)
        .await?;
        let mut out = Vec::new();
        for r in &rows {
            use sqlx::Row;
            let id: i64 = r.try_get("id")?;
            sqlx::query(self.sql("UPDATE chat_transfers SET seen_ms = NOW_MS WHERE id = $1"))
                .bind(id)
                .execute(&mut *w.tx)
                .await?;
            out.push((
                r.try_get("chat_id")?,
                r.try_get("customer_name")?,
                r.try_get("queue")?,
            ));
        }
        w.commit().await?;
        Ok(out)
    }
}
