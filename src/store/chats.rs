//! Chats from the customer's side: asking for one, reading them, ending, transferring,
//! verifying the contact.

use super::error::is_foreign_key_violation;
use super::{NewEvent, Result, Store, StoreError};
use crate::core::{self, Chat, ChatState, EndReason, EventKind, NewMessage, OfferOutcome, Sender};
use sqlx::Row;
use sqlx::any::AnyRow;

const CHAT_COLUMNS: &str = "c.id, c.queue_id, q.name AS queue_name, c.customer_name, c.customer_email, \
     c.contact_id, c.state, c.end_reason, c.agent_id, a.name AS agent_name, c.created_ms, \
     c.accepted_ms, c.ended_ms, c.verified_by_site";

/// A row's `state` column as the core type.
pub(super) fn state_of(row: &AnyRow) -> Result<ChatState> {
    let state: String = row.try_get("state")?;
    ChatState::parse(&state)
        .ok_or_else(|| StoreError::Database(format!("unknown chat state {state:?}")))
}

fn chat_from_row(row: &AnyRow) -> Result<Chat> {
    let end_reason: Option<String> = row.try_get("end_reason")?;
    Ok(Chat {
        id: row.try_get("id")?,
        queue_id: row.try_get("queue_id")?,
        queue_name: row.try_get("queue_name")?,
        customer_name: row.try_get("customer_name")?,
        customer_email: row.try_get("customer_email")?,
        contact_id: row.try_get("contact_id")?,
        state: state_of(row)?,
        end_reason: end_reason.as_deref().and_then(EndReason::parse),
        agent_id: row.try_get("agent_id")?,
        agent_name: row.try_get("agent_name")?,
        created_ms: row.try_get("created_ms")?,
        accepted_ms: row.try_get("accepted_ms")?,
        ended_ms: row.try_get("ended_ms")?,
        verified_by_site: row.try_get::<i64, _>("verified_by_site")? != 0,
    })
}

fn no_queue(queue_id: i64) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| {
        if is_foreign_key_violation(&e) {
            StoreError::NotFound(format!("no queue with id {queue_id}"))
        } else {
            e.into()
        }
    }
}

impl Store {
    /// A customer asks for a chat. The request, its first message and its event are one
    /// transaction; routing runs right after. Returns the chat id.
    pub async fn enqueue(
        &self,
        customer_name: &str,
        customer_email: &str,
        queue_id: i64,
        first_message: Option<&str>,
    ) -> Result<i64> {
        let (name, email) = core::validate::customer(customer_name, customer_email)?;
        let first = first_message.map(str::trim).filter(|m| !m.is_empty());
        let mut w = self.write().await?;
        let chat_id: i64 = sqlx::query_scalar(self.sql(
            "INSERT INTO chats (queue_id, customer_name, customer_email, state, created_ms, \
             queued_ms, customer_seen_ms) \
             VALUES ($1, $2, $3, 'queued', NOW_MS, NOW_MS, NOW_MS) RETURNING id",
        ))
        .bind(queue_id)
        .bind(&name)
        .bind(&email)
        .fetch_one(&mut *w.tx)
        .await
        .map_err(no_queue(queue_id))?;
        let message_id = match first {
            Some(text) => {
                let m = NewMessage::plain(Sender::Customer, &name, None, text);
                Some(self.insert_message(&mut w, chat_id, &m).await?)
            }
            None => None,
        };
        w.emit(EventKind::ChatQueued, NewEvent::chat(chat_id, queue_id))
            .await?;
        if let Some(message_id) = message_id {
            w.emit(
                EventKind::Message,
                NewEvent::chat(chat_id, queue_id).message(message_id),
            )
            .await?;
        }
        w.commit().await?;
        self.route().await?;
        Ok(chat_id)
    }

    /// The customer's client says it is still there (the customer-absent rule ends chats
    /// whose client went silent).
    pub async fn customer_heartbeat(&self, chat_id: i64) -> Result<()> {
        sqlx::query(
            self.sql(
                "UPDATE chats SET customer_seen_ms = NOW_MS WHERE id = $1 AND state <> 'ended'",
            ),
        )
        .bind(chat_id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub async fn chat(&self, id: i64) -> Result<Chat> {
        let sql = format!(
            "SELECT {CHAT_COLUMNS} FROM chats c JOIN queues q ON q.id = c.queue_id \
             LEFT JOIN agents a ON a.id = c.agent_id WHERE c.id = $1"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("no chat {id}")))?;
        chat_from_row(&row)
    }

    /// The agent's active chats, in the order they were accepted.
    pub async fn active_chats(&self, agent_id: i64) -> Result<Vec<Chat>> {
        let sql = format!(
            "SELECT {CHAT_COLUMNS} FROM chats c JOIN queues q ON q.id = c.queue_id \
             LEFT JOIN agents a ON a.id = c.agent_id \
             WHERE c.agent_id = $1 AND c.state = 'active' ORDER BY c.accepted_ms, c.id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(agent_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(chat_from_row).collect()
    }

    /// Chats waiting for an agent (queued or offered), per queue id or all.
    pub async fn waiting_count(&self, queue_id: Option<i64>) -> Result<i64> {
        let n: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM chats WHERE state IN ('queued', 'offered') \
             AND ($1 = 0 OR queue_id = $1)",
        )
        .bind(queue_id.unwrap_or(0))
        .fetch_one(self.pool())
        .await?;
        Ok(n)
    }

    /// How many chats have ended, in all.
    pub async fn ended_count(&self) -> Result<i64> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM chats WHERE state = 'ended'")
            .fetch_one(self.pool())
            .await?;
        Ok(n)
    }

    /// 1 when the chat is next in its queue; `None` when it is no longer waiting.
    pub async fn queue_position(&self, chat_id: i64) -> Result<Option<i64>> {
        // One query: the customer's terminal asks this on every event of its queue.
        let position: Option<Option<i64>> = sqlx::query_scalar(
            "SELECT CASE WHEN c.state IN ('queued', 'offered') THEN 1 + ( \
                 SELECT count(*) FROM chats o WHERE o.queue_id = c.queue_id \
                 AND o.state IN ('queued', 'offered') \
                 AND (o.queued_ms < c.queued_ms OR (o.queued_ms = c.queued_ms AND o.id < c.id))) END \
             FROM chats c WHERE c.id = $1",
        )
        .bind(chat_id)
        .fetch_optional(self.pool())
        .await?;
        position.ok_or_else(|| StoreError::NotFound(format!("no chat {chat_id}")))
    }

    /// Ends a chat. A customer who leaves before an agent accepted makes it `abandoned`
    /// (and withdraws a pending offer); an agent's capacity is freed, so routing runs.
    /// Ending an ended chat is a no-op.
    pub async fn end_chat(&self, chat_id: i64, by: Sender) -> Result<Option<EndReason>> {
        let mut w = self.write().await?;
        let row = sqlx::query(self.sql(
            "SELECT state, agent_id, offered_agent_id, queue_id, NOW_MS AS now FROM chats WHERE id = $1 LOCK_WAIT",
        ))
        .bind(chat_id)
        .fetch_optional(&mut *w.tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("no chat {chat_id}")))?;
        let state = state_of(&row)?;
        let agent_id: Option<i64> = row.try_get("agent_id")?;
        let offered: Option<i64> = row.try_get("offered_agent_id")?;
        let queue_id: i64 = row.try_get("queue_id")?;
        let now: i64 = row.try_get("now")?;
        let Some(reason) = EndReason::when_ended(state, by) else {
            return Ok(None);
        };
        if let Some(offered) = offered {
            self.decide_offer(&mut w, chat_id, offered, OfferOutcome::Withdrawn, None, now)
                .await?;
        }
        sqlx::query(
            "UPDATE chats SET state = 'ended', end_reason = $1, ended_ms = $2, \
             offered_agent_id = NULL, offer_deadline_ms = NULL WHERE id = $3",
        )
        .bind(reason.as_str())
        .bind(now)
        .bind(chat_id)
        .execute(&mut *w.tx)
        .await?;
        w.commit_with(
            EventKind::ChatEnded,
            NewEvent::chat(chat_id, queue_id).by(agent_id.or(offered)),
        )
        .await?;
        self.route().await?;
        Ok(Some(reason))
    }

    /// Sends an active chat back to routing in another queue; the transcript stays with it.
    pub async fn transfer(&self, chat_id: i64, agent_id: i64, queue_id: i64) -> Result<()> {
        let mut w = self.write().await?;
        let changed = sqlx::query(self.sql(
            "UPDATE chats SET state = 'queued', agent_id = NULL, queue_id = $1, queued_ms = NOW_MS \
             WHERE id = $2 AND agent_id = $3 AND state = 'active'",
        ))
        .bind(queue_id)
        .bind(chat_id)
        .bind(agent_id)
        .execute(&mut *w.tx)
        .await
        .map_err(no_queue(queue_id))?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::invalid(
                "only your own active chat can be transferred",
            ));
        }
        w.commit_with(
            EventKind::ChatTransferred,
            NewEvent::chat(chat_id, queue_id).by(Some(agent_id)),
        )
        .await?;
        self.route().await?;
        Ok(())
    }

    /// Records the contact the agent verified for this chat.
    pub async fn verify_contact(&self, chat_id: i64, agent_id: i64, contact_id: i64) -> Result<()> {
        let mut w = self.write().await?;
        let changed = sqlx::query(
            "UPDATE chats SET contact_id = $1 WHERE id = $2 AND agent_id = $3 AND state = 'active'",
        )
        .bind(contact_id)
        .bind(chat_id)
        .bind(agent_id)
        .execute(&mut *w.tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::invalid(
                "only your own active chat can be verified",
            ));
        }
        w.commit_with(
            EventKind::ContactVerified,
            NewEvent {
                chat_id: Some(chat_id),
                agent_id: Some(agent_id),
                ..Default::default()
            },
        )
        .await
    }
}
