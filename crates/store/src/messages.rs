//! The conversation: storing a message once per client id, reading transcripts.

use super::error::is_unique_violation;
use super::rate::{CUSTOMER_MESSAGES_COUNT, Limit, Sent, retry_after};
use super::{NewEvent, Result, Store, StoreError, WriteTx};
use livewindow_core::validate::{clean_line, clean_text};
use livewindow_core::{ChatState, EventKind, Message, MessageFormat, NewMessage, Sender, limits};
use sqlx::Row;
use sqlx::any::AnyRow;

pub(super) const MESSAGE_SELECT: &str = "SELECT id, chat_id, client_id, sender, sender_name, format, \
     internal, body_html, body_text, created_ms, \
     (SELECT name FROM message_files f WHERE f.message_id = messages.id) AS file_name, \
     (SELECT kind FROM message_files f WHERE f.message_id = messages.id) AS file_kind, \
     (SELECT size FROM message_files f WHERE f.message_id = messages.id) AS file_size \
     FROM messages";

pub(super) fn message_from_row(row: &AnyRow) -> Result<Message> {
    let sender: String = row.try_get("sender")?;
    let format: String = row.try_get("format")?;
    Ok(Message {
        id: row.try_get("id")?,
        chat_id: row.try_get("chat_id")?,
        client_id: row.try_get("client_id")?,
        sender: Sender::parse(&sender).unwrap_or(Sender::System),
        sender_name: row.try_get("sender_name")?,
        format: MessageFormat::parse(&format).unwrap_or_default(),
        internal: row.try_get::<i64, _>("internal")? != 0,
        body_html: row.try_get("body_html")?,
        body_text: row.try_get("body_text")?,
        created_ms: row.try_get("created_ms")?,
        file: super::files::file_from_row(row),
    })
}

impl Store {
    /// Inserts a message inside a transaction; the caller emits its event. The message as
    /// stored is kept in memory once the transaction commits (recent.rs).
    pub(super) async fn insert_message(
        &self,
        w: &mut WriteTx,
        chat_id: i64,
        m: &NewMessage,
    ) -> std::result::Result<i64, sqlx::Error> {
        // NUL and other control characters never reach SQL (PostgreSQL refuses NUL, SQLite
        // would keep it): the same text is stored on both databases, whoever sent it.
        let text = clean_text(&m.body_text);
        let html = match &m.body_html {
            Some(html) => clean_text(html),
            None => livewindow_richtext::plain_to_html(&text),
        };
        // Only agents' and the system's lines may be private; a customer's never is.
        let internal = m.internal && m.sender != Sender::Customer;
        let sender_name = clean_line(&m.sender_name);
        let format = m.format();
        let row = sqlx::query(self.sql(
            "INSERT INTO messages (chat_id, client_id, sender, sender_name, agent_id, format, \
             body_html, body_text, internal, created_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NOW_MS) RETURNING id, created_ms",
        ))
        .bind(chat_id)
        .bind(&m.client_id)
        .bind(m.sender.as_str())
        .bind(&sender_name)
        .bind(m.agent_id)
        .bind(format.as_str())
        .bind(&html)
        .bind(&text)
        .bind(i64::from(internal))
        .fetch_one(&mut *w.tx)
        .await?;
        let id: i64 = row.try_get("id")?;
        w.inserted.push(Message {
            id,
            chat_id,
            client_id: m.client_id.clone(),
            sender: m.sender,
            sender_name,
            format,
            internal,
            body_html: html,
            body_text: text,
            created_ms: row.try_get("created_ms")?,
            file: None,
        });
        Ok(id)
    }

    /// Sends a message in a chat that has not ended. A repeated `client_id` is not stored
    /// twice: the first message's id is returned.
    pub async fn send_message(&self, chat_id: i64, m: &NewMessage) -> Result<i64> {
        match self.send_within(chat_id, m, None).await? {
            Sent::Message(id) => Ok(id),
            Sent::Limited { .. } => Err(StoreError::invalid("too many messages")),
        }
    }

    /// [`Store::send_message`], refused when the chat's customer already sent `limit`'s
    /// worth. The chat's row is locked first, so concurrent sends in one chat count one
    /// after another (PostgreSQL; SQLite serializes writers anyway), and a retry of a
    /// message already stored is answered with it whatever the count.
    pub(super) async fn send_within(
        &self,
        chat_id: i64,
        m: &NewMessage,
        limit: Option<Limit>,
    ) -> Result<Sent> {
        self.send_with_file(chat_id, m, limit, None).await
    }

    /// [`Store::send_within`], with a customer's file kept in the message's transaction.
    pub(super) async fn send_with_file(
        &self,
        chat_id: i64,
        m: &NewMessage,
        limit: Option<Limit>,
        file: Option<&super::files::NewFile>,
    ) -> Result<Sent> {
        limits::check_message(&m.body_text, m.body_html.as_deref())?;
        let mut w = self.write().await?;
        // A retry is looked up in the lock's statement: one of the same client id that
        // committed while this waited is not seen here, and meets the unique index below.
        let row = sqlx::query(self.sql(
            "SELECT state, queue_id, agent_id, \
             (SELECT m.id FROM messages m WHERE m.client_id = $2) AS existing \
             FROM chats WHERE id = $1 LOCK_WAIT",
        ))
        .bind(chat_id)
        .bind(&m.client_id)
        .fetch_optional(&mut *w.tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("no chat {chat_id}")))?;
        if let Some(id) = row.try_get::<Option<i64>, _>("existing")? {
            return Ok(Sent::Message(id));
        }
        let state = super::chats::state_of(&row)?;
        let queue_id: i64 = row.try_get("queue_id")?;
        if state == ChatState::Ended {
            return Err(StoreError::Ended);
        }
        if m.sender == Sender::Agent && state != ChatState::Active {
            return Err(StoreError::invalid("the chat is not active"));
        }
        if m.sender == Sender::Agent
            && row.try_get::<Option<i64>, _>("agent_id")? != m.agent_id
            && !self.joined(&mut w, chat_id, m.agent_id).await?
        {
            return Err(StoreError::NotYours);
        }
        if let Some(limit) = limit {
            let counted = sqlx::query(self.sql(CUSTOMER_MESSAGES_COUNT))
                .bind(chat_id)
                .bind(limit.window_ms)
                .fetch_one(&mut *w.tx)
                .await?;
            if let Some(retry_after_ms) = retry_after(&counted, limit)? {
                return Ok(Sent::Limited { retry_after_ms });
            }
        }
        let id = match self.insert_message(&mut w, chat_id, m).await {
            Ok(id) => id,
            // Two sends of one client id racing on Postgres: the loser hits UNIQUE and gets
            // the winner's id instead of an error.
            Err(e) if is_unique_violation(&e) => {
                drop(w);
                let id: i64 = sqlx::query_scalar("SELECT id FROM messages WHERE client_id = $1")
                    .bind(&m.client_id)
                    .fetch_one(self.pool())
                    .await?;
                return Ok(Sent::Message(id));
            }
            Err(e) => return Err(e.into()),
        };
        if let Some(file) = file {
            self.insert_file(&mut w, id, file).await?;
        }
        w.commit_with(
            EventKind::Message,
            NewEvent::chat(chat_id, queue_id).by(m.agent_id).message(id),
        )
        .await?;
        Ok(Sent::Message(id))
    }

    /// Whether `agent` is a supervisor who joined the chat (they may write in it too).
    async fn joined(&self, w: &mut WriteTx, chat_id: i64, agent: Option<i64>) -> Result<bool> {
        let Some(agent) = agent else {
            return Ok(false);
        };
        let joined: Option<i64> = sqlx::query_scalar(
            "SELECT joined FROM chat_watchers WHERE chat_id = $1 AND agent_id = $2",
        )
        .bind(chat_id)
        .bind(agent)
        .fetch_optional(&mut *w.tx)
        .await?;
        Ok(joined == Some(1))
    }

    /// Message `id` when this process committed it lately (recent.rs), with no read.
    pub fn kept_message(&self, id: i64) -> Option<std::sync::Arc<Message>> {
        self.recent.get(id)
    }

    pub async fn message(&self, id: i64) -> Result<Message> {
        if let Some(kept) = self.recent.get(id) {
            return Ok(kept.as_ref().clone());
        }
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{MESSAGE_SELECT} WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("no message {id}")))?;
        message_from_row(&row)
    }

    /// The newest `limit` messages of a chat before message `before` (all, when `None`),
    /// oldest first, and how many older ones remain: the console holds a page of a long
    /// transcript, not all of it.
    pub async fn messages_page(
        &self,
        chat_id: i64,
        before: Option<i64>,
        limit: usize,
    ) -> Result<(Vec<Message>, usize)> {
        let before = before.unwrap_or(i64::MAX);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{MESSAGE_SELECT} WHERE chat_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3"
        )))
        .bind(chat_id)
        .bind(before)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        let mut page = rows
            .iter()
            .map(message_from_row)
            .collect::<Result<Vec<_>>>()?;
        page.reverse();
        let first = page.first().map_or(before, |m| m.id);
        let earlier: i64 =
            sqlx::query_scalar("SELECT count(*) FROM messages WHERE chat_id = $1 AND id < $2")
                .bind(chat_id)
                .bind(first)
                .fetch_one(self.pool())
                .await?;
        Ok((page, usize::try_from(earlier).unwrap_or(0)))
    }

    /// The transcript of a chat, oldest first.
    pub async fn messages(&self, chat_id: i64) -> Result<Vec<Message>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{MESSAGE_SELECT} WHERE chat_id = $1 ORDER BY id"
        )))
        .bind(chat_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(message_from_row).collect()
    }
}
