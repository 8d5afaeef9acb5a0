//! The audit of supervisors' actions: a row written in each action's own transaction, and
//! the listing `livewindow audit list` prints.

use super::{Result, Store, StoreError, WriteTx};
use livewindow_core::supervise::{AuditAction, AuditFilter, AuditRow};
use sqlx::Row;

/// The most audit rows one listing gives.
const AUDIT_MAX: i64 = 10_000;

impl Store {
    /// The audit, newest first.
    pub async fn audit(&self, filter: &AuditFilter) -> Result<Vec<AuditRow>> {
        let limit = if filter.limit <= 0 {
            AUDIT_MAX
        } else {
            filter.limit.min(AUDIT_MAX)
        };
        let user = match &filter.user {
            Some(who) => Some(self.find_agent(who).await?.id),
            None => None,
        };
        let rows = sqlx::query(
            "SELECT l.id, l.at_ms, l.actor_id, a.name, l.action, l.chat_id, l.agent_id, l.detail \
             FROM audit_log l JOIN agents a ON a.id = l.actor_id \
             WHERE l.at_ms >= $1 AND ($2 = 0 OR l.actor_id = $2) AND ($3 = 0 OR l.chat_id = $3) \
             ORDER BY l.id DESC LIMIT $4",
        )
        .bind(filter.since_ms.unwrap_or(0))
        .bind(user.unwrap_or(0))
        .bind(filter.chat_id.unwrap_or(0))
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let action: String = r.try_get("action")?;
                Ok(AuditRow {
                    id: r.try_get("id")?,
                    at_ms: r.try_get("at_ms")?,
                    actor_id: r.try_get("actor_id")?,
                    actor: r.try_get("name")?,
                    action: AuditAction::parse(&action).ok_or_else(|| {
                        StoreError::Database(format!("unknown audit action {action:?}"))
                    })?,
                    chat_id: r.try_get("chat_id")?,
                    agent_id: r.try_get("agent_id")?,
                    detail: r.try_get("detail")?,
                })
            })
            .collect()
    }

    pub(super) async fn audit_in(
        &self,
        w: &mut WriteTx,
        actor: i64,
        action: AuditAction,
        chat: Option<i64>,
        agent: Option<i64>,
        detail: &str,
    ) -> Result<()> {
        sqlx::query(self.sql(
            "INSERT INTO audit_log (at_ms, actor_id, action, chat_id, agent_id, detail) \
             VALUES (NOW_MS, $1, $2, $3, $4, $5)",
        ))
        .bind(actor)
        .bind(action.as_str())
        .bind(chat)
        .bind(agent)
        .bind(detail)
        .execute(&mut *w.tx)
        .await?;
        Ok(())
    }
}
