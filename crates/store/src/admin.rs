//! Agents, queues and membership (profile options are in options.rs).

use super::{Result, Store, StoreError};
use livewindow_core::{Agent, AgentStatus, QueueInfo};
use sqlx::Row;
use sqlx::any::AnyRow;

pub(super) fn agent_from_row(row: &AnyRow) -> Result<Agent> {
    let status: String = row.try_get("status")?;
    Ok(Agent {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        email: row.try_get("email")?,
        status: AgentStatus::parse(&status).unwrap_or(AgentStatus::Offline),
        max_chats: row.try_get("max_chats")?,
    })
}

pub use livewindow_core::limits::PRESENCE_TIMEOUT_MS;

impl Store {
    pub async fn add_agent(&self, name: &str, email: &str, max_chats: i64) -> Result<Agent> {
        let name =
            livewindow_core::validate::name(name).map_err(|e| StoreError::rule_field("name", e))?;
        let email = livewindow_core::validate::email(email)
            .map_err(|e| StoreError::rule_field("email", e))?;
        livewindow_core::limits::check_max_chats(max_chats)?;
        let mut w = self.write().await?;
        if email_taken(&mut w, &email).await? {
            return Err(StoreError::invalid(format!(
                "an agent with email {email} already exists"
            )));
        }
        let id: i64 = sqlx::query_scalar(self.sql(
            "INSERT INTO agents (name, email, max_chats, created_ms) VALUES ($1, $2, $3, NOW_MS) \
             RETURNING id",
        ))
        .bind(&name)
        .bind(&email)
        .bind(max_chats)
        .fetch_one(&mut *w.tx)
        .await?;
        w.commit().await?;
        Ok(Agent {
            id,
            name,
            email,
            status: AgentStatus::Offline,
            max_chats,
        })
    }

    pub async fn agents(&self) -> Result<Vec<Agent>> {
        let rows = sqlx::query("SELECT id, name, email, status, max_chats FROM agents ORDER BY id")
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(agent_from_row).collect()
    }

    pub async fn agent(&self, id: i64) -> Result<Agent> {
        let row =
            sqlx::query("SELECT id, name, email, status, max_chats FROM agents WHERE id = $1")
                .bind(id)
                .fetch_optional(self.pool())
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("no agent with id {id}")))?;
        agent_from_row(&row)
    }

    /// Finds an agent by email (case-insensitive) or by exact name.
    pub async fn find_agent(&self, who: &str) -> Result<Agent> {
        let row = sqlx::query(
            "SELECT id, name, email, status, max_chats FROM agents \
             WHERE lower(email) = lower($1) OR name = $1 ORDER BY id LIMIT 1",
        )
        .bind(livewindow_core::validate::clean_line(who).trim())
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| {
            StoreError::NotFound(format!(
                "no agent {:?}; `livewindow agent list` shows the agents",
                who.trim()
            ))
        })?;
        agent_from_row(&row)
    }

    pub async fn set_max_chats(&self, agent_id: i64, max_chats: i64) -> Result<()> {
        livewindow_core::limits::check_max_chats(max_chats)?;
        let mut w = self.write().await?;
        sqlx::query("UPDATE agents SET max_chats = $1 WHERE id = $2")
            .bind(max_chats)
            .bind(agent_id)
            .execute(&mut *w.tx)
            .await?;
        w.commit().await?;
        self.route().await?;
        Ok(())
    }

    /// Sets availability (and counts as a heartbeat). Becoming available may bring offers,
    /// so routing runs after the change.
    pub async fn set_agent_status(&self, agent_id: i64, status: AgentStatus) -> Result<()> {
        if !self.change_status(agent_id, status, None).await? {
            return Err(StoreError::NotFound(format!("no agent with id {agent_id}")));
        }
        Ok(())
    }

    /// Tells the others this agent's desktop is still there.
    pub async fn heartbeat(&self, agent_id: i64) -> Result<()> {
        let mut w = self.write().await?;
        sqlx::query(self.sql("UPDATE agents SET last_seen_ms = NOW_MS WHERE id = $1"))
            .bind(agent_id)
            .execute(&mut *w.tx)
            .await?;
        w.commit().await
    }

    pub async fn add_queue(&self, name: &str) -> Result<i64> {
        let name = livewindow_core::validate::label(
            "queue name",
            name,
            livewindow_core::limits::QUEUE_NAME_CHARS,
        )?;
        let name = name.as_str();
        let mut w = self.write().await?;
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT id FROM queues WHERE lower(name) = lower($1)")
                .bind(name)
                .fetch_optional(&mut *w.tx)
                .await?;
        if exists.is_some() {
            return Err(StoreError::invalid(format!(
                "queue {name:?} already exists"
            )));
        }
        let id: i64 = sqlx::query_scalar(
            self.sql("INSERT INTO queues (name, created_ms) VALUES ($1, NOW_MS) RETURNING id"),
        )
        .bind(name)
        .fetch_one(&mut *w.tx)
        .await?;
        w.commit().await?;
        Ok(id)
    }

    /// A queue by name (case-insensitive); `None` gives the first queue.
    pub async fn find_queue(&self, name: Option<&str>) -> Result<(i64, String)> {
        let row = match name {
            Some(name) => {
                sqlx::query("SELECT id, name FROM queues WHERE lower(name) = lower($1)")
                    .bind(livewindow_core::validate::clean_line(name).trim())
                    .fetch_optional(self.pool())
                    .await?
            }
            None => {
                sqlx::query("SELECT id, name FROM queues ORDER BY id LIMIT 1")
                    .fetch_optional(self.pool())
                    .await?
            }
        };
        let row = row.ok_or_else(|| match name {
            Some(name) => StoreError::NotFound(format!(
                "no queue {:?}; `livewindow queue list` shows the queues",
                name.trim()
            )),
            None => StoreError::NotFound(
                "there are no queues yet; add one with `livewindow queue add NAME` or run `livewindow seed --demo`".into(),
            ),
        })?;
        Ok((row.try_get("id")?, row.try_get("name")?))
    }

    pub async fn queues(&self) -> Result<Vec<QueueInfo>> {
        let rows = sqlx::query(
            "SELECT q.id, q.name, \
               (SELECT count(*) FROM agent_queues aq WHERE aq.queue_id = q.id) AS agents, \
               (SELECT count(*) FROM chats c WHERE c.queue_id = q.id AND c.state = 'queued') AS queued \
             FROM queues q ORDER BY q.id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(QueueInfo {
                    id: row.try_get("id")?,
                    name: row.try_get("name")?,
                    agents: row.try_get("agents")?,
                    queued: row.try_get("queued")?,
                })
            })
            .collect()
    }

    pub async fn join_queue(&self, agent_id: i64, queue_id: i64) -> Result<()> {
        let mut w = self.write().await?;
        sqlx::query(
            "INSERT INTO agent_queues (agent_id, queue_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(agent_id)
        .bind(queue_id)
        .execute(&mut *w.tx)
        .await?;
        w.commit().await?;
        self.route().await?;
        Ok(())
    }

    pub async fn leave_queue(&self, agent_id: i64, queue_id: i64) -> Result<bool> {
        let mut w = self.write().await?;
        let n = sqlx::query("DELETE FROM agent_queues WHERE agent_id = $1 AND queue_id = $2")
            .bind(agent_id)
            .bind(queue_id)
            .execute(&mut *w.tx)
            .await?
            .rows_affected();
        w.commit().await?;
        Ok(n > 0)
    }
}

/// Whether an agent (a user) already has this email, in any letter case.
pub(super) async fn email_taken(w: &mut super::WriteTx, email: &str) -> Result<bool> {
    let id: Option<i64> =
        sqlx::query_scalar("SELECT id FROM agents WHERE lower(email) = lower($1)")
            .bind(email)
            .fetch_optional(&mut *w.tx)
            .await?;
    Ok(id.is_some())
}
