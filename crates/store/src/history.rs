//! The customer's earlier conversations (issue 18): a contact's chats, or those from one
//! email before verification; an earlier chat opened read-only; and who may see which
//! transcripts in a search. The rules are `livewindow_core::history`'s; here the facts.

use crate::messages::{MESSAGE_SELECT, message_from_row};
use crate::{Result, Store};
use livewindow_core::history::{
    HistoryOf, HistoryPage, HistoryQuery, PastAccess, PastChat, first_line,
};
use livewindow_core::search::{MessageHits, MessageQuery};
use livewindow_core::{Message, StoreError};
use livewindow_data::PastTranscript;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A past chat's row: the list's columns. The first line is the customer's first (else
/// anyone's first that is not the system's), each one index step on `messages_chat`.
const PAST_SELECT: &str = "SELECT c.id, c.created_ms, c.ended_ms, q.name AS queue_name, \
     a.name AS agent_name, c.customer_name, c.customer_email, c.disposition, \
     (SELECT r.rating FROM chat_ratings r WHERE r.chat_id = c.id) AS rating, \
     COALESCE( \
       (SELECT m.body_text FROM messages m WHERE m.chat_id = c.id AND m.sender = 'customer' \
         AND m.internal = 0 ORDER BY m.id LIMIT 1), \
       (SELECT m.body_text FROM messages m WHERE m.chat_id = c.id AND m.sender <> 'system' \
         AND m.internal = 0 ORDER BY m.id LIMIT 1), \
       '') AS first_text \
     FROM chats c JOIN queues q ON q.id = c.queue_id LEFT JOIN agents a ON a.id = c.agent_id";

fn past_from_row(row: &AnyRow) -> Result<PastChat> {
    let text: String = row.try_get("first_text")?;
    Ok(PastChat {
        chat_id: row.try_get("id")?,
        created_ms: row.try_get("created_ms")?,
        ended_ms: row.try_get("ended_ms")?,
        queue_name: row.try_get("queue_name")?,
        agent_name: row.try_get("agent_name")?,
        customer_name: row.try_get("customer_name")?,
        customer_email: row.try_get("customer_email")?,
        disposition: row.try_get("disposition")?,
        rating: row
            .try_get::<Option<i64>, _>("rating")?
            .and_then(|r| i16::try_from(r).ok()),
        first_line: first_line(&text),
    })
}

impl Store {
    /// One page of a customer's ended chats, newest first. `SameEmailAs` compares emails
    /// without case (index `chats_email`).
    pub async fn history(&self, q: &HistoryQuery) -> Result<HistoryPage> {
        q.check()?;
        let (filter, key): (&str, Key) = match q.of {
            HistoryOf::Contact(id) => ("c.contact_id = $1", Key::Id(id)),
            HistoryOf::SameEmailAs(chat) => {
                let email: Option<String> =
                    sqlx::query_scalar("SELECT customer_email FROM chats WHERE id = $1")
                        .bind(chat)
                        .fetch_optional(self.pool())
                        .await?;
                let email = email.ok_or_else(|| StoreError::NotFound(format!("no chat {chat}")))?;
                ("lower(c.customer_email) = lower($1)", Key::Email(email))
            }
        };
        let sql = format!(
            "{PAST_SELECT} WHERE {filter} AND c.state = 'ended' AND c.id <> $2 AND c.id < $3 \
             ORDER BY c.id DESC LIMIT $4"
        );
        let query = sqlx::query(sqlx::AssertSqlSafe(sql));
        let query = match key {
            Key::Id(id) => query.bind(id),
            Key::Email(email) => query.bind(email),
        };
        let rows = query
            .bind(q.except.unwrap_or(0))
            .bind(q.before.unwrap_or(i64::MAX))
            .bind(q.limit + 1)
            .fetch_all(self.pool())
            .await?;
        let mut chats = rows.iter().map(past_from_row).collect::<Result<Vec<_>>>()?;
        let more = chats.len() as i64 > q.limit;
        chats.truncate(q.limit as usize);
        Ok(HistoryPage { chats, more })
    }

    /// What decides whether `agent_id` may open chat `chat_id`'s transcript (`solo`: the
    /// one user of a desktop on its own, who supervises everything).
    pub async fn past_access(&self, agent_id: i64, chat_id: i64, solo: bool) -> Result<PastAccess> {
        let row = sqlx::query(
            "SELECT c.queue_id, c.contact_id, c.agent_id, \
               CAST(CASE WHEN EXISTS (SELECT 1 FROM messages m \
                 WHERE m.chat_id = c.id AND m.agent_id = $2) THEN 1 ELSE 0 END AS BIGINT) AS wrote, \
               CAST(CASE WHEN EXISTS (SELECT 1 FROM chats mine WHERE mine.agent_id = $2 \
                 AND (mine.state = 'active' OR (mine.state = 'ended' AND mine.wrapped_ms IS NULL)) \
                 AND lower(mine.customer_email) = lower(c.customer_email)) \
                 THEN 1 ELSE 0 END AS BIGINT) AS same_email \
             FROM chats c WHERE c.id = $1",
        )
        .bind(chat_id)
        .bind(agent_id)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else {
            return Ok(PastAccess::default());
        };
        let queue: i64 = row.try_get("queue_id")?;
        let agent: Option<i64> = row.try_get("agent_id")?;
        let contact: Option<i64> = row.try_get("contact_id")?;
        let supervised = match self.board_scope(agent_id, solo).await? {
            Some(scope) => scope.covers(queue),
            None => false,
        };
        Ok(PastAccess {
            exists: true,
            took_part: agent == Some(agent_id) || row.try_get::<i64, _>("wrote")? != 0,
            verified: contact.is_some(),
            same_email_as_mine: row.try_get::<i64, _>("same_email")? != 0,
            supervised,
        })
    }

    /// An earlier chat, read-only: its list row and its newest messages, private lines only
    /// with `private`.
    pub async fn past_chat(
        &self,
        chat_id: i64,
        newest: usize,
        private: bool,
    ) -> Result<PastTranscript> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{PAST_SELECT} WHERE c.id = $1"
        )))
        .bind(chat_id)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("no chat {chat_id}")))?;
        let chat = past_from_row(&row)?;
        let only_public = if private { "" } else { " AND internal = 0" };
        let limit = i64::try_from(newest).unwrap_or(i64::MAX);
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{MESSAGE_SELECT} WHERE chat_id = $1{only_public} ORDER BY id DESC LIMIT $2"
        )))
        .bind(chat_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        let mut messages = rows
            .iter()
            .map(message_from_row)
            .collect::<Result<Vec<Message>>>()?;
        messages.reverse();
        let first = messages.first().map_or(i64::MAX, |m| m.id);
        let earlier: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT count(*) FROM messages WHERE chat_id = $1 AND id < $2{only_public}"
        )))
        .bind(chat_id)
        .bind(first)
        .fetch_one(self.pool())
        .await?;
        Ok(PastTranscript {
            chat,
            messages,
            earlier: usize::try_from(earlier).unwrap_or(0),
        })
    }

    /// A search as `agent_id` may make it: their own chats, unless they filter by a queue
    /// they supervise (or are an administrator, or the one user of a desktop on its own);
    /// never private lines.
    pub async fn search_as(
        &self,
        agent_id: i64,
        solo: bool,
        mut q: MessageQuery,
    ) -> Result<MessageHits> {
        let scope = self.board_scope(agent_id, solo).await?;
        let sees_all = match (&scope, q.queue_id) {
            (Some(livewindow_core::supervise::Scope::All), _) => true,
            (Some(scope), Some(queue)) => scope.covers(queue),
            _ => false,
        };
        q.visible_to = (!sees_all).then_some(agent_id);
        q.include_internal = false;
        self.search_messages(&q).await
    }
}

enum Key {
    Id(i64),
    Email(String),
}
