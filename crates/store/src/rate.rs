//! Customers' rate limits counted in the database: the limit, what a limited send comes to,
//! and how long until one more is let through. Used by the messages and the web chats.

use super::Result;
use sqlx::Row;

/// A rate limit: at most `max` in `window_ms`.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max: i64,
    pub window_ms: i64,
}

/// What a customer's send came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent {
    /// Stored (or stored before, for a retry of the same client id): its id.
    Message(i64),
    /// The customer sent their allowance; they may send again after this long.
    Limited { retry_after_ms: i64 },
}

/// Counts the customer's messages in a chat within a window (`$1` the chat, `$2` the
/// window in ms), as [`retry_after`] reads them.
pub(super) const CUSTOMER_MESSAGES_COUNT: &str = "SELECT count(*) AS n, min(created_ms) AS oldest, NOW_MS AS now FROM messages \
     WHERE chat_id = $1 AND sender = 'customer' AND created_ms > NOW_MS - $2";

/// How long until a "count, oldest, now" row lets one more through under `limit`; `None`
/// when it does now.
pub(super) fn retry_after(row: &sqlx::any::AnyRow, limit: Limit) -> Result<Option<i64>> {
    let n: i64 = row.try_get("n")?;
    if n < limit.max {
        return Ok(None);
    }
    let oldest: Option<i64> = row.try_get("oldest")?;
    let now: i64 = row.try_get("now")?;
    // The oldest counted one leaves the window first.
    Ok(Some(
        oldest
            .map_or(limit.window_ms, |o| o + limit.window_ms - now)
            .max(1000),
    ))
}
