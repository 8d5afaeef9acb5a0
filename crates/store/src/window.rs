//! What the customer's page reads, a bounded window at a time: a page (or a live socket)
//! that resumes from the start of a long chat with pictures never makes the server hold
//! the whole chat. Messages with pictures are marked heavy and their HTML left out, to be
//! read one by one (and at most a few at once) by the caller.

use super::messages::message_from_row;
use super::{Result, Store};
use livewindow_core::Message;
use sqlx::Row;

/// A message for the page; `heavy` ones come without `body_html`.
#[derive(Debug, Clone)]
pub struct WindowMessage {
    pub message: Message,
    pub heavy: bool,
}

impl Store {
    /// At most `limit` messages of `chat_id` the customer may see, with an id greater than
    /// `after_id`, oldest first. A message whose HTML is longer than `light_bytes` comes
    /// with an empty `body_html` and `heavy` set.
    pub async fn customer_messages_window(
        &self,
        chat_id: i64,
        after_id: i64,
        limit: usize,
        light_bytes: usize,
    ) -> Result<Vec<WindowMessage>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let light = i64::try_from(light_bytes).unwrap_or(i64::MAX);
        let rows = sqlx::query(
            "SELECT id, chat_id, client_id, sender, sender_name, format, internal, \
             CASE WHEN length(body_html) > $3 THEN '' ELSE body_html END AS body_html, \
             body_text, created_ms, \
             CAST(CASE WHEN length(body_html) > $3 THEN 1 ELSE 0 END AS BIGINT) AS heavy \
             FROM messages WHERE chat_id = $1 AND id > $2 AND internal = 0 \
             ORDER BY id LIMIT $4",
        )
        .bind(chat_id)
        .bind(after_id)
        .bind(light)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(WindowMessage {
                    message: message_from_row(row)?,
                    heavy: row.try_get::<i64, _>("heavy")? != 0,
                })
            })
            .collect()
    }
}
