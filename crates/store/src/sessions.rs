//! Sessions after sign-in: which user a token opens (checking revocation, the idle and the
//! absolute expiry, and sliding the idle one), signing out, revoking, listing.

use super::options::option_on;
use super::secrets::token_sha256;
use super::users::{USER_COLUMNS, User, user_from_row};
use super::{Result, Store};
use livewindow_core::account::{SLIDE_EVERY_MS, session_verdict, slid_idle_expiry};
use livewindow_core::{OPT_SESSION_IDLE_HOURS, SessionEnd, SessionLimits, SessionToken};
use sqlx::Row;

/// The user a live session belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionUser {
    pub session_id: i64,
    pub user: User,
}

/// What a token opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionCheck {
    Valid(SessionUser),
    /// The session existed and ended, for this reason.
    Ended(SessionEnd),
    /// No session has this token.
    Unknown,
}

/// A session as administrators see it: the admin interface's own row.
pub use livewindow_data::admin::SessionRow as SessionInfo;

/// One session, by id or by its token's hash.
enum Which {
    Id(i64),
    Token(String),
}

/// Tokens are 64 hex digits; anything else is looked up nowhere.
fn plausible(token: &SessionToken) -> bool {
    let t = token.expose();
    t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit())
}

impl Store {
    /// The user a token signs in, with the session's id; `None` when the session is
    /// unknown, revoked, expired, or its user disabled. A use slides the idle expiry
    /// (written at most once a minute).
    pub async fn session_agent(&self, token: &SessionToken) -> Result<Option<SessionUser>> {
        Ok(match self.check_session(token).await? {
            SessionCheck::Valid(user) => Some(user),
            SessionCheck::Ended(_) | SessionCheck::Unknown => None,
        })
    }

    /// As [`Store::session_agent`], saying why a session no longer opens anything.
    pub async fn check_session(&self, token: &SessionToken) -> Result<SessionCheck> {
        if !plausible(token) {
            return Ok(SessionCheck::Unknown);
        }
        let row = sqlx::query(self.sql(&format!(
            "SELECT s.id AS session_id, s.last_seen_ms, s.idle_expires_ms, \
             s.absolute_expires_ms, s.revoked_why, NOW_MS AS now, {USER_COLUMNS} \
             FROM sessions s JOIN agents a ON a.id = s.agent_id WHERE s.token_sha256 = $1"
        )))
        .bind(token_sha256(token.expose()))
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else {
            return Ok(SessionCheck::Unknown);
        };
        let session_id: i64 = row.try_get("session_id")?;
        let now: i64 = row.try_get("now")?;
        let last_seen: i64 = row.try_get("last_seen_ms")?;
        let idle_expires: i64 = row.try_get("idle_expires_ms")?;
        let absolute_expires: i64 = row.try_get("absolute_expires_ms")?;
        let revoked: Option<String> = row.try_get("revoked_why")?;
        // A revoked row always has a reason; an unknown one still ends the session.
        let revoked = revoked.map(|why| SessionEnd::parse(&why).unwrap_or(SessionEnd::Revoked));
        let user = user_from_row(&row)?;
        if let Err(why) = session_verdict(now, revoked, idle_expires, absolute_expires) {
            return Ok(SessionCheck::Ended(why));
        }
        if user.disabled {
            return Ok(SessionCheck::Ended(SessionEnd::Disabled));
        }
        if now - last_seen >= SLIDE_EVERY_MS {
            self.slide(session_id, user.agent.id, now, absolute_expires)
                .await?;
        }
        Ok(SessionCheck::Valid(SessionUser { session_id, user }))
    }

    /// Of the sessions `ids`, those that no longer hold, each with why (`None`: no such
    /// session any more). One query for all of them: a server checks the sessions of its
    /// open event sockets this way every second, whatever their number. Slides nothing.
    pub async fn ended_sessions(&self, ids: &[i64]) -> Result<Vec<(i64, Option<SessionEnd>)>> {
        let mut ended = Vec::new();
        // Well under both databases' limits on bound parameters.
        for chunk in ids.chunks(1000) {
            let list = super::placeholders(chunk.len());
            let sql = format!(
                "SELECT s.id, s.idle_expires_ms, s.absolute_expires_ms, s.revoked_why, \
                 a.disabled, NOW_MS AS now \
                 FROM sessions s JOIN agents a ON a.id = s.agent_id WHERE s.id IN ({list})"
            );
            let mut query = sqlx::query(self.sql(&sql));
            for id in chunk {
                query = query.bind(*id);
            }
            let rows = query.fetch_all(self.pool()).await?;
            let mut found = std::collections::HashSet::new();
            for row in &rows {
                let id: i64 = row.try_get("id")?;
                found.insert(id);
                let revoked: Option<String> = row.try_get("revoked_why")?;
                let revoked =
                    revoked.map(|why| SessionEnd::parse(&why).unwrap_or(SessionEnd::Revoked));
                let verdict = session_verdict(
                    row.try_get("now")?,
                    revoked,
                    row.try_get("idle_expires_ms")?,
                    row.try_get("absolute_expires_ms")?,
                );
                let disabled: bool = row.try_get::<i64, _>("disabled")? != 0;
                match verdict {
                    Err(why) => ended.push((id, Some(why))),
                    Ok(()) if disabled => ended.push((id, Some(SessionEnd::Disabled))),
                    Ok(()) => {}
                }
            }
            ended.extend(
                chunk
                    .iter()
                    .filter(|id| !found.contains(id))
                    .map(|id| (*id, None)),
            );
        }
        Ok(ended)
    }

    /// Moves a session's idle expiry on after a use (one short transaction).
    async fn slide(&self, session_id: i64, agent_id: i64, now: i64, absolute: i64) -> Result<()> {
        let mut w = self.write().await?;
        let idle_hours = option_on(&mut *w.tx, OPT_SESSION_IDLE_HOURS, Some(agent_id)).await?;
        let idle_ms = SessionLimits::from_options(idle_hours.as_deref(), None).idle_ms;
        // Read again under the write: another request may have slid it already.
        let last_seen: Option<i64> = sqlx::query_scalar(self.sql(
            "SELECT last_seen_ms FROM sessions WHERE id = $1 AND revoked_ms IS NULL LOCK_WAIT",
        ))
        .bind(session_id)
        .fetch_optional(&mut *w.tx)
        .await?;
        let next = last_seen.and_then(|seen| slid_idle_expiry(now, seen, idle_ms, absolute));
        if let Some(idle_expires) = next {
            sqlx::query(
                "UPDATE sessions SET last_seen_ms = $1, idle_expires_ms = $2 WHERE id = $3",
            )
            .bind(now)
            .bind(idle_expires)
            .bind(session_id)
            .execute(&mut *w.tx)
            .await?;
            w.commit().await?;
        }
        Ok(())
    }

    /// Ends the session a token opens (its user signs out). False when it was not live.
    pub async fn sign_out(&self, token: &SessionToken) -> Result<bool> {
        if !plausible(token) {
            return Ok(false);
        }
        let which = Which::Token(token_sha256(token.expose()));
        self.end_session(which, SessionEnd::SignedOut).await
    }

    /// An administrator ends one session. False when there is no live session `id`.
    pub async fn revoke_session(&self, id: i64) -> Result<bool> {
        self.end_session(Which::Id(id), SessionEnd::Revoked).await
    }

    /// An administrator ends every session of a user; returns how many were live.
    pub async fn revoke_sessions_of(&self, agent_id: i64) -> Result<u64> {
        let mut w = self.write().await?;
        let n = self
            .end_sessions_in(&mut w, agent_id, SessionEnd::Revoked, None)
            .await?;
        w.commit().await?;
        Ok(n)
    }

    async fn end_session(&self, which: Which, why: SessionEnd) -> Result<bool> {
        let mut w = self.write().await?;
        let end = |column: &str| {
            self.sql(&format!(
                "UPDATE sessions SET revoked_ms = NOW_MS, revoked_why = $1 \
                 WHERE {column} = $2 AND revoked_ms IS NULL"
            ))
        };
        let query = match &which {
            Which::Id(id) => sqlx::query(end("id")).bind(why.as_str()).bind(*id),
            Which::Token(hash) => sqlx::query(end("token_sha256"))
                .bind(why.as_str())
                .bind(hash.as_str()),
        };
        let n = query.execute(&mut *w.tx).await?.rows_affected();
        w.commit().await?;
        Ok(n > 0)
    }

    /// The live sessions (not ended, not expired), of one user or of everyone, newest
    /// first.
    pub async fn list_sessions(&self, agent_id: Option<i64>) -> Result<Vec<SessionInfo>> {
        let rows = sqlx::query(self.sql(
            "SELECT s.id, s.agent_id, a.email, s.device, s.address, s.created_ms, \
             s.last_seen_ms, s.idle_expires_ms, s.absolute_expires_ms \
             FROM sessions s JOIN agents a ON a.id = s.agent_id \
             WHERE s.revoked_ms IS NULL AND s.idle_expires_ms > NOW_MS \
             AND s.absolute_expires_ms > NOW_MS AND ($1 = 0 OR s.agent_id = $1) \
             ORDER BY s.id DESC",
        ))
        .bind(agent_id.unwrap_or(0))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(SessionInfo {
                    id: r.try_get("id")?,
                    agent_id: r.try_get("agent_id")?,
                    email: r.try_get("email")?,
                    device: r.try_get("device")?,
                    address: r.try_get("address")?,
                    created_ms: r.try_get("created_ms")?,
                    last_seen_ms: r.try_get("last_seen_ms")?,
                    idle_expires_ms: r.try_get("idle_expires_ms")?,
                    absolute_expires_ms: r.try_get("absolute_expires_ms")?,
                })
            })
            .collect()
    }
}
