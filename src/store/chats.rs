//! Chats from the customer's side and the conversation: enqueue, messages, end, transfer.

use super::{NewEvent, Result, Store, StoreError};
use crate::core::{self, ChatState, EndReason, EventKind, OfferOutcome, Sender};
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chat {
    pub id: i64,
    pub queue_id: i64,
    pub queue_name: String,
    pub customer_name: String,
    pub customer_email: String,
    pub contact_id: Option<i64>,
    pub state: ChatState,
    pub end_reason: Option<EndReason>,
    pub agent_id: Option<i64>,
    pub agent_name: Option<String>,
    pub created_ms: i64,
    pub accepted_ms: Option<i64>,
    pub ended_ms: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: i64,
    pub chat_id: i64,
    pub client_id: String,
    pub sender: Sender,
    pub sender_name: String,
    pub body_html: String,
    pub body_text: String,
    pub created_ms: i64,
}

/// A message to send. `client_id` is made by the sender once per message and reused on a
/// retry, so a send that is repeated after a lost answer is stored once.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub client_id: String,
    pub sender: Sender,
    pub sender_name: String,
    pub agent_id: Option<i64>,
    pub body_html: String,
    pub body_text: String,
}

impl NewMessage {
    /// A plain-text message; the HTML body is the text, escaped, with line breaks kept.
    pub fn plain(sender: Sender, sender_name: &str, agent_id: Option<i64>, text: &str) -> Self {
        NewMessage {
            client_id: uuid::Uuid::new_v4().to_string(),
            sender,
            sender_name: sender_name.to_string(),
            agent_id,
            body_html: plain_to_html(text),
            body_text: text.to_string(),
        }
    }

    /// A formatted message: `html` is the sanitized HTML the rich-text model writes, `text`
    /// its plain-text fallback.
    pub fn rich(
        sender: Sender,
        sender_name: &str,
        agent_id: Option<i64>,
        html: String,
        text: String,
    ) -> Self {
        NewMessage {
            body_html: html,
            body_text: text,
            ..NewMessage::plain(sender, sender_name, agent_id, "")
        }
    }
}

/// Escapes text for the HTML body of a plain message.
pub fn plain_to_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 7);
    out.push_str("<p>");
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out.push_str("</p>");
    out
}

const CHAT_COLUMNS: &str = "c.id, c.queue_id, q.name AS queue_name, c.customer_name, c.customer_email, \
     c.contact_id, c.state, c.end_reason, c.agent_id, a.name AS agent_name, c.created_ms, \
     c.accepted_ms, c.ended_ms";

fn chat_from_row(row: &AnyRow) -> Result<Chat> {
    let state: String = row.try_get("state")?;
    let end_reason: Option<String> = row.try_get("end_reason")?;
    Ok(Chat {
        id: row.try_get("id")?,
        queue_id: row.try_get("queue_id")?,
        queue_name: row.try_get("queue_name")?,
        customer_name: row.try_get("customer_name")?,
        customer_email: row.try_get("customer_email")?,
        contact_id: row.try_get("contact_id")?,
        state: ChatState::parse(&state)
            .ok_or_else(|| StoreError::Invalid(format!("unknown chat state {state:?}")))?,
        end_reason: end_reason.as_deref().and_then(EndReason::parse),
        agent_id: row.try_get("agent_id")?,
        agent_name: row.try_get("agent_name")?,
        created_ms: row.try_get("created_ms")?,
        accepted_ms: row.try_get("accepted_ms")?,
        ended_ms: row.try_get("ended_ms")?,
    })
}

fn message_from_row(row: &AnyRow) -> Result<Message> {
    let sender: String = row.try_get("sender")?;
    Ok(Message {
        id: row.try_get("id")?,
        chat_id: row.try_get("chat_id")?,
        client_id: row.try_get("client_id")?,
        sender: Sender::parse(&sender).unwrap_or(Sender::System),
        sender_name: row.try_get("sender_name")?,
        body_html: row.try_get("body_html")?,
        body_text: row.try_get("body_text")?,
        created_ms: row.try_get("created_ms")?,
    })
}

/// Longest plain-text body accepted, in bytes.
pub const MAX_MESSAGE_BYTES: usize = 256 * 1024;
/// Longest HTML body accepted, in bytes: room for a 10 MB image embedded as a data URL.
pub const MAX_MESSAGE_HTML_BYTES: usize = 16 * 1024 * 1024;

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
        let name = core::validate::name(customer_name).map_err(StoreError::Invalid)?;
        let email = core::validate::email(customer_email).map_err(StoreError::Invalid)?;
        let first = first_message.map(str::trim).filter(|m| !m.is_empty());
        let mut w = self.write().await?;
        let chat_id: i64 = sqlx::query_scalar(self.sql(
            "INSERT INTO chats (queue_id, customer_name, customer_email, state, created_ms, queued_ms) \
             VALUES ($1, $2, $3, 'queued', NOW_MS, NOW_MS) RETURNING id",
        ))
        .bind(queue_id)
        .bind(&name)
        .bind(&email)
        .fetch_one(&mut *w.tx)
        .await
        .map_err(|e| match e {
            sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
                StoreError::NotFound(format!("no queue with id {queue_id}"))
            }
            other => other.into(),
        })?;
        let mut message_id = None;
        if let Some(text) = first {
            let m = NewMessage::plain(Sender::Customer, &name, None, text);
            message_id = Some(self.insert_message(&mut w, chat_id, &m).await?);
        }
        w.emit(
            self,
            EventKind::ChatQueued,
            NewEvent {
                chat_id: Some(chat_id),
                queue_id: Some(queue_id),
                ..Default::default()
            },
        )
        .await?;
        if let Some(message_id) = message_id {
            w.emit(
                self,
                EventKind::Message,
                NewEvent {
                    chat_id: Some(chat_id),
                    queue_id: Some(queue_id),
                    message_id: Some(message_id),
                    agent_id: None,
                },
            )
            .await?;
        }
        w.commit().await?;
        self.route().await?;
        Ok(chat_id)
    }

    async fn insert_message(
        &self,
        w: &mut super::WriteTx,
        chat_id: i64,
        m: &NewMessage,
    ) -> Result<i64> {
        let id: i64 = sqlx::query_scalar(self.sql(
            "INSERT INTO messages (chat_id, client_id, sender, sender_name, agent_id, body_html, body_text, created_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, NOW_MS) RETURNING id",
        ))
        .bind(chat_id)
        .bind(&m.client_id)
        .bind(m.sender.as_str())
        .bind(&m.sender_name)
        .bind(m.agent_id)
        .bind(&m.body_html)
        .bind(&m.body_text)
        .fetch_one(&mut *w.tx)
        .await?;
        Ok(id)
    }

    /// Sends a message in a chat that has not ended. A repeated `client_id` is not stored
    /// twice: the first message's id is returned.
    pub async fn send_message(&self, chat_id: i64, m: &NewMessage) -> Result<i64> {
        if m.body_text.trim().is_empty() && m.body_html.trim().is_empty() {
            return Err(StoreError::Invalid("the message is empty".into()));
        }
        if m.body_text.len() > MAX_MESSAGE_BYTES {
            return Err(StoreError::Invalid(format!(
                "the message's text is larger than {} KB",
                MAX_MESSAGE_BYTES / 1024
            )));
        }
        if m.body_html.len() > MAX_MESSAGE_HTML_BYTES {
            return Err(StoreError::Invalid(format!(
                "the message is larger than {} MB with its images",
                MAX_MESSAGE_HTML_BYTES / (1024 * 1024)
            )));
        }
        let mut w = self.write().await?;
        let existing: Option<i64> =
            sqlx::query_scalar("SELECT id FROM messages WHERE client_id = $1")
                .bind(&m.client_id)
                .fetch_optional(&mut *w.tx)
                .await?;
        if let Some(id) = existing {
            return Ok(id);
        }
        let row =
            sqlx::query(self.sql("SELECT state, queue_id FROM chats WHERE id = $1 LOCK_WAIT"))
                .bind(chat_id)
                .fetch_optional(&mut *w.tx)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("no chat {chat_id}")))?;
        let state: String = row.try_get("state")?;
        let queue_id: i64 = row.try_get("queue_id")?;
        if state == "ended" {
            return Err(StoreError::Invalid("this chat has ended".into()));
        }
        if m.sender == Sender::Agent && state != "active" {
            return Err(StoreError::Invalid("the chat is not active".into()));
        }
        // Two sends of one client id racing on Postgres: the loser hits UNIQUE and we return
        // the winner's id instead of an error.
        let id = match self.insert_message(&mut w, chat_id, m).await {
            Ok(id) => id,
            Err(StoreError::Database(sqlx::Error::Database(d))) if d.is_unique_violation() => {
                drop(w);
                let id: i64 = sqlx::query_scalar("SELECT id FROM messages WHERE client_id = $1")
                    .bind(&m.client_id)
                    .fetch_one(self.pool())
                    .await?;
                return Ok(id);
            }
            Err(e) => return Err(e),
        };
        w.emit(
            self,
            EventKind::Message,
            NewEvent {
                chat_id: Some(chat_id),
                agent_id: m.agent_id,
                queue_id: Some(queue_id),
                message_id: Some(id),
            },
        )
        .await?;
        w.commit().await?;
        Ok(id)
    }

    pub async fn message(&self, id: i64) -> Result<Message> {
        let row = sqlx::query(
            "SELECT id, chat_id, client_id, sender, sender_name, body_html, body_text, created_ms \
             FROM messages WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("no message {id}")))?;
        message_from_row(&row)
    }

    /// The transcript of a chat, oldest first.
    pub async fn messages(&self, chat_id: i64) -> Result<Vec<Message>> {
        let rows = sqlx::query(
            "SELECT id, chat_id, client_id, sender, sender_name, body_html, body_text, created_ms \
             FROM messages WHERE chat_id = $1 ORDER BY id",
        )
        .bind(chat_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(message_from_row).collect()
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
        let state: String = row.try_get("state")?;
        let agent_id: Option<i64> = row.try_get("agent_id")?;
        let offered: Option<i64> = row.try_get("offered_agent_id")?;
        let queue_id: i64 = row.try_get("queue_id")?;
        let now: i64 = row.try_get("now")?;
        let reason = match (state.as_str(), by) {
            ("ended", _) => return Ok(None),
            ("active", Sender::Customer) => EndReason::CustomerLeft,
            ("active", _) => EndReason::AgentEnded,
            (_, _) => EndReason::Abandoned,
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
        w.emit(
            self,
            EventKind::ChatEnded,
            NewEvent {
                chat_id: Some(chat_id),
                agent_id: agent_id.or(offered),
                queue_id: Some(queue_id),
                message_id: None,
            },
        )
        .await?;
        w.commit().await?;
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
        .map_err(|e| match e {
            sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
                StoreError::NotFound(format!("no queue with id {queue_id}"))
            }
            other => other.into(),
        })?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::Invalid(
                "only your own active chat can be transferred".into(),
            ));
        }
        w.emit(
            self,
            EventKind::ChatTransferred,
            NewEvent {
                chat_id: Some(chat_id),
                agent_id: Some(agent_id),
                queue_id: Some(queue_id),
                message_id: None,
            },
        )
        .await?;
        w.commit().await?;
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
            return Err(StoreError::Invalid(
                "only your own active chat can be verified".into(),
            ));
        }
        w.emit(
            self,
            EventKind::ContactVerified,
            NewEvent {
                chat_id: Some(chat_id),
                agent_id: Some(agent_id),
                ..Default::default()
            },
        )
        .await?;
        w.commit().await
    }
}
