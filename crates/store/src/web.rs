//! What the web chat server needs from the store: chats started from a browser (with the
//! hashed token that lets that browser back in), the rate limits counted in the database (so
//! they hold across any number of server processes), the estimated wait, a resync by
//! message id, and typing.

use super::messages::{MESSAGE_SELECT, message_from_row};
use super::rate::{CUSTOMER_MESSAGES_COUNT, retry_after};
pub use super::rate::{Limit, Sent};
use super::{NewEvent, Result, Store, StoreError};
use livewindow_core::{EventKind, Message, NewMessage, Sender};
use sqlx::Row;

/// A chat asked for from the web page.
#[derive(Debug, Clone)]
pub struct WebChatRequest {
    pub name: String,
    pub email: String,
    pub queue_id: i64,
    pub first_message: Option<String>,
    /// The website signed the customer's email with the site secret.
    pub verified_by_site: bool,
    /// SHA-256 (hex) of the token the browser holds.
    pub token_hash: String,
    /// The address that asked, for the per-address limit.
    pub client_addr: String,
}

/// What starting a web chat came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Started {
    Chat(i64),
    /// The address started its allowance of chats; it may try again after this long.
    Limited {
        retry_after_ms: i64,
    },
}

/// The chat a token opens, and who its customer is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenChat {
    pub chat_id: i64,
    pub customer_name: String,
}

impl Store {
    /// Starts a chat for a browser: the chat, its token, its first message and their events
    /// are one transaction (so an agent is never offered a chat whose "verified by website"
    /// mark comes later), unless `limit` new chats came from this address within its
    /// window. Routing runs after. Mirrors [`Store::enqueue`], plus the token and the mark.
    pub async fn web_enqueue(&self, r: &WebChatRequest, limit: Limit) -> Result<Started> {
        let (name, email) = livewindow_core::validate::customer(&r.name, &r.email)?;
        let first = r
            .first_message
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty());
        if let Some(text) = first {
            livewindow_core::limits::check_message(text, None)
                .map_err(|e| StoreError::rule_field("message", e))?;
        }
        let mut w = self.write().await?;
        // The address's key row, locked until commit: concurrent starts from one address
        // count one after another, each seeing the tokens committed before it.
        self.lock_rate_key(&mut w, &format!("chat-start:{}", r.client_addr))
            .await?;
        let counted = sqlx::query(self.sql(
            "SELECT count(*) AS n, min(created_ms) AS oldest, NOW_MS AS now \
             FROM chat_tokens WHERE client_addr = $1 AND created_ms > NOW_MS - $2",
        ))
        .bind(&r.client_addr)
        .bind(limit.window_ms)
        .fetch_one(&mut *w.tx)
        .await?;
        if let Some(retry_after_ms) = retry_after(&counted, limit)? {
            return Ok(Started::Limited { retry_after_ms });
        }
        let chat_id: i64 = sqlx::query_scalar(self.sql(
            "INSERT INTO chats (queue_id, customer_name, customer_email, state, created_ms, \
             queued_ms, customer_seen_ms, verified_by_site) \
             VALUES ($1, $2, $3, 'queued', NOW_MS, NOW_MS, NOW_MS, $4) RETURNING id",
        ))
        .bind(r.queue_id)
        .bind(&name)
        .bind(&email)
        .bind(i64::from(r.verified_by_site))
        .fetch_one(&mut *w.tx)
        .await
        .map_err(super::error::no_such_queue)?;
        sqlx::query(self.sql(
            "INSERT INTO chat_tokens (token_hash, chat_id, client_addr, created_ms) \
             VALUES ($1, $2, $3, NOW_MS)",
        ))
        .bind(&r.token_hash)
        .bind(chat_id)
        .bind(&r.client_addr)
        .execute(&mut *w.tx)
        .await?;
        let message_id = match first {
            Some(text) => {
                let m = NewMessage::plain(Sender::Customer, &name, None, text);
                Some(self.insert_message(&mut w, chat_id, &m).await?)
            }
            None => None,
        };
        self.commit_request(w, chat_id, r.queue_id, message_id)
            .await?;
        Ok(Started::Chat(chat_id))
    }

    /// The chat a token (its SHA-256, hex) opens: none once the chat ended more than
    /// [`livewindow_core::limits::CHAT_TOKEN_TTL_MS`] ago.
    pub async fn chat_for_token(&self, token_hash: &str) -> Result<Option<TokenChat>> {
        let row = sqlx::query(self.sql(
            "SELECT t.chat_id, c.customer_name FROM chat_tokens t \
             JOIN chats c ON c.id = t.chat_id WHERE t.token_hash = $1 \
             AND (c.ended_ms IS NULL OR c.ended_ms > NOW_MS - $2)",
        ))
        .bind(token_hash)
        .bind(livewindow_core::limits::CHAT_TOKEN_TTL_MS)
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| {
            Ok(TokenChat {
                chat_id: row.try_get("chat_id")?,
                customer_name: row.try_get("customer_name")?,
            })
        })
        .transpose()
    }

    /// Stores a customer's message unless they sent `limit`'s worth in its window; a retry
    /// of a message already stored (same client id) is answered with it. Counted inside
    /// the write transaction, after the chat's row is locked, so it holds under concurrency.
    pub async fn send_customer_message(
        &self,
        chat_id: i64,
        m: &NewMessage,
        limit: Limit,
    ) -> Result<Sent> {
        self.send_within(chat_id, m, Some(limit)).await
    }

    /// `None` while the customer of `chat_id` may send another message (or `client_id` is
    /// already stored: a retry); otherwise how long until they may. A cheap early answer
    /// before costly work (an image); [`Store::send_customer_message`] is the real check.
    pub async fn customer_message_retry_after(
        &self,
        chat_id: i64,
        limit: Limit,
        client_id: &str,
    ) -> Result<Option<i64>> {
        let stored: Option<i64> =
            sqlx::query_scalar("SELECT id FROM messages WHERE client_id = $1")
                .bind(client_id)
                .fetch_optional(self.pool())
                .await?;
        if stored.is_some() {
            return Ok(None);
        }
        let row = sqlx::query(self.sql(CUSTOMER_MESSAGES_COUNT))
            .bind(chat_id)
            .bind(limit.window_ms)
            .fetch_one(self.pool())
            .await?;
        retry_after(&row, limit)
    }

    /// How often a customer's client should check in, in ms: from the absent interval in
    /// force ([`livewindow_core::options::checkin_every_ms`]).
    pub async fn customer_checkin_ms(&self) -> Result<i64> {
        let stored = super::options::option_on(
            self.pool(),
            livewindow_core::options::OPT_ABSENT_INTERVAL,
            None,
        )
        .await?;
        let interval = livewindow_core::options::number(
            livewindow_core::options::OPT_ABSENT_INTERVAL,
            stored.as_deref(),
        );
        Ok(livewindow_core::options::checkin_every_ms(interval))
    }

    /// The messages of a chat the customer may see, with an id greater than `after_id`,
    /// oldest first: what a page that holds messages up to `after_id` is missing.
    pub async fn customer_messages_after(
        &self,
        chat_id: i64,
        after_id: i64,
    ) -> Result<Vec<Message>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{MESSAGE_SELECT} WHERE chat_id = $1 AND id > $2 AND internal = 0 ORDER BY id"
        )))
        .bind(chat_id)
        .bind(after_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(message_from_row).collect()
    }

    /// The median wait from queued to accepted of the chats accepted in `queue_id` in the
    /// last hour; `None` when there were none.
    pub async fn wait_estimate_ms(&self, queue_id: i64) -> Result<Option<i64>> {
        let mut waits: Vec<i64> = sqlx::query_scalar(self.sql(
            "SELECT accepted_ms - queued_ms FROM chats WHERE queue_id = $1 \
             AND accepted_ms >= NOW_MS - 3600000 ORDER BY accepted_ms DESC LIMIT 500",
        ))
        .bind(queue_id)
        .fetch_all(self.pool())
        .await?;
        if waits.is_empty() {
            return Ok(None);
        }
        waits.sort_unstable();
        Ok(Some(waits[waits.len() / 2].max(0)))
    }

    /// Someone is typing in a chat that has not ended: the customer (`agent_id` None) or an
    /// agent; never the text. On PostgreSQL a signal that touches no table (signals.rs); on
    /// SQLite an event, which every process on the machine follows.
    pub async fn typing(&self, chat_id: i64, agent_id: Option<i64>) -> Result<()> {
        const OPEN: &str = "SELECT id FROM chats WHERE id = $1 AND state <> 'ended'";
        if self.backend == super::Backend::Postgres {
            let open: Option<i64> = sqlx::query_scalar(OPEN)
                .bind(chat_id)
                .fetch_optional(self.pool())
                .await?;
            if open.is_some() {
                self.signals.send(super::Signal { chat_id, agent_id });
            }
            return Ok(());
        }
        let mut w = self.write().await?;
        let open: Option<i64> = sqlx::query_scalar(OPEN)
            .bind(chat_id)
            .fetch_optional(&mut *w.tx)
            .await?;
        if open.is_none() {
            return Ok(());
        }
        w.commit_with(
            EventKind::Typing,
            NewEvent {
                chat_id: Some(chat_id),
                agent_id,
                ..Default::default()
            },
        )
        .await
    }
}

impl Store {
    /// Upserts the row of a rate-limited key inside `w`: on PostgreSQL the row stays locked
    /// until `w` ends, so whoever counts for the same key next waits and then sees this
    /// transaction's rows.
    async fn lock_rate_key(&self, w: &mut super::WriteTx, key: &str) -> Result<()> {
        sqlx::query(self.sql(
            "INSERT INTO rate_keys (name, touched_ms) VALUES ($1, NOW_MS) \
             ON CONFLICT (name) DO UPDATE SET touched_ms = excluded.touched_ms",
        ))
        .bind(key)
        .execute(&mut *w.tx)
        .await?;
        Ok(())
    }

    /// Deletes rate-limit keys nobody touched for a day (the sweep runs it).
    pub(super) async fn prune_rate_keys(&self) -> Result<()> {
        sqlx::query(self.sql("DELETE FROM rate_keys WHERE touched_ms < NOW_MS - $1"))
            .bind(livewindow_core::limits::RATE_KEY_KEEP_MS)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
