//! Wrap-up: an ended chat stays with its agent, counting against their capacity, until they
//! record a disposition and press Done (or the maximum wrap-up time completes it). The
//! dispositions are a site list an administrator keeps.

use super::{NewEvent, Result, Store, StoreError};
use livewindow_core::EventKind;

impl Store {
    /// The agent finishes the wrap-up of their ended chat.
    pub async fn wrap_up(
        &self,
        chat_id: i64,
        agent_id: i64,
        disposition: &str,
        note: &str,
    ) -> Result<()> {
        let note =
            livewindow_core::validate::note(note, livewindow_core::limits::WRAPUP_NOTE_CHARS)?;
        let known: Option<String> =
            sqlx::query_scalar("SELECT name FROM dispositions WHERE lower(name) = lower($1)")
                .bind(livewindow_core::validate::clean_line(disposition).trim())
                .fetch_optional(self.pool())
                .await?;
        let Some(disposition) = known else {
            return Err(StoreError::invalid_field(
                "disposition",
                "choose one of the dispositions",
            ));
        };
        let queue: Option<i64> = sqlx::query_scalar("SELECT queue_id FROM chats WHERE id = $1")
            .bind(chat_id)
            .fetch_optional(self.pool())
            .await?;
        let Some(queue) = queue else {
            return Err(StoreError::NotFound(format!("no chat {chat_id}")));
        };
        if !self
            .close_wrapup(chat_id, agent_id, queue, Some(&disposition), &note)
            .await?
        {
            return Err(StoreError::Conflict(
                "this chat is not in your wrap-up (it was completed already)".into(),
            ));
        }
        Ok(())
    }

    /// Completes a wrap-up; false when it is not one (any more). Routing runs after: the
    /// agent has room again.
    pub(super) async fn close_wrapup(
        &self,
        chat_id: i64,
        agent_id: i64,
        queue_id: i64,
        disposition: Option<&str>,
        note: &str,
    ) -> Result<bool> {
        let mut w = self.write().await?;
        let n = sqlx::query(self.sql(
            "UPDATE chats SET wrapped_ms = NOW_MS, disposition = $1, wrapup_note = $2 \
             WHERE id = $3 AND agent_id = $4 AND state = 'ended' AND wrapped_ms IS NULL",
        ))
        .bind(disposition)
        .bind(note)
        .bind(chat_id)
        .bind(agent_id)
        .execute(&mut *w.tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Ok(false);
        }
        w.commit_with(
            EventKind::ChatClosed,
            NewEvent::chat(chat_id, queue_id).by(Some(agent_id)),
        )
        .await?;
        self.route().await?;
        Ok(true)
    }

    /// The wrap-up form's choices, in order.
    pub async fn dispositions(&self) -> Result<Vec<String>> {
        Ok(
            sqlx::query_scalar("SELECT name FROM dispositions ORDER BY position, id")
                .fetch_all(self.pool())
                .await?,
        )
    }

    pub async fn add_disposition(&self, name: &str) -> Result<()> {
        let name = livewindow_core::validate::label(
            "disposition",
            name,
            livewindow_core::limits::DISPOSITION_CHARS,
        )?;
        let name = name.as_str();
        let mut w = self.write().await?;
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT id FROM dispositions WHERE lower(name) = lower($1)")
                .bind(name)
                .fetch_optional(&mut *w.tx)
                .await?;
        if exists.is_some() {
            return Err(StoreError::invalid(format!(
                "disposition {name:?} already exists"
            )));
        }
        sqlx::query(self.sql(
            "INSERT INTO dispositions (name, position, created_ms) \
             VALUES ($1, (SELECT COALESCE(max(position), 0) + 1 FROM dispositions), NOW_MS)",
        ))
        .bind(name)
        .execute(&mut *w.tx)
        .await?;
        w.commit().await
    }

    /// Removes a disposition; chats keep the name they were wrapped up with.
    pub async fn remove_disposition(&self, name: &str) -> Result<()> {
        let mut w = self.write().await?;
        let name = livewindow_core::validate::clean_line(name);
        let n = sqlx::query("DELETE FROM dispositions WHERE lower(name) = lower($1)")
            .bind(name.trim())
            .execute(&mut *w.tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound(format!(
                "no disposition {:?}; `livewindow disposition list` shows them",
                name.trim()
            )));
        }
        w.commit().await
    }
}
