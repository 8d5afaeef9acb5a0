//! Signing in: the attempt limits (per address and per account, counted in the database so
//! they hold across server processes), the password check in equal time for known and
//! unknown emails, and the new session.

use super::options::option_on;
use super::secrets::{new_token, verify_password};
use super::sessions::SessionUser;
use super::users::{USER_COLUMNS, user_from_row};
use super::{Result, Store};
use livewindow_core::validate::clean_line;
use livewindow_core::{
    OPT_SESSION_IDLE_HOURS, OPT_SESSION_MAX_DAYS, Password, SessionLimits, SessionToken,
    SignInError,
};
use sqlx::Row;

/// Sign-in attempts allowed per address, and per account, in one minute of the database's
/// clock.
pub const SIGN_IN_ATTEMPTS_PER_MINUTE: i64 = 10;
const MINUTE_MS: i64 = 60_000;

/// A successful sign-in. The token is given here once; the database keeps only its hash.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub token: SessionToken,
    pub session: SessionUser,
    pub idle_expires_ms: i64,
    pub absolute_expires_ms: i64,
}

/// The longest device name, address and email kept (anything longer is cut).
const DEVICE_CHARS: usize = 100;
const ADDRESS_CHARS: usize = 100;
const EMAIL_CHARS: usize = 320;

fn cut(s: &str, max: usize) -> String {
    clean_line(s).trim().chars().take(max).collect()
}

impl Store {
    /// Signs a user in from `device` at network `address`. Wrong password and unknown email
    /// give the same [`SignInError::BadCredentials`] after the same work; `Disabled` is told
    /// only to whoever gave the right password; more than ten attempts a minute from one
    /// address, or for one account, give `TooManyAttempts` without checking anything.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &Password,
        device: &str,
        address: &str,
    ) -> Result<SignedIn, SignInError> {
        let email = cut(email, EMAIL_CHARS).to_lowercase();
        let address = cut(address, ADDRESS_CHARS);
        let device = match cut(device, DEVICE_CHARS) {
            d if d.is_empty() => "unnamed device".to_string(),
            d => d,
        };
        if let Some(retry_after_secs) = self
            .count_attempt(&format!("address:{address}"), &format!("account:{email}"))
            .await?
        {
            return Err(SignInError::TooManyAttempts { retry_after_secs });
        }
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM agents a WHERE lower(a.email) = $1"
        )))
        .bind(&email)
        .fetch_optional(self.pool())
        .await
        .map_err(super::StoreError::from)?;
        let stored: Option<String> = match &row {
            Some(row) => row
                .try_get("password_hash")
                .map_err(super::StoreError::from)?,
            None => None,
        };
        // Always one Argon2 verification: against the user's hash, or the dummy.
        if !verify_password(password, stored.as_deref()).await? {
            return Err(SignInError::BadCredentials);
        }
        let (Some(row), Some(verified)) = (row, stored) else {
            return Err(SignInError::BadCredentials);
        };
        let user = user_from_row(&row)?;
        if user.disabled {
            return Err(SignInError::Disabled);
        }
        self.open_session(user.agent.id, &verified, &device, &address)
            .await
    }

    /// Counts one attempt for both keys in one transaction. Each count is one upsert whose
    /// result is the new total, so concurrent attempts (from any process) each see a
    /// different number and at most the limit get through. `Some(seconds)` when over.
    async fn count_attempt(&self, address_key: &str, account_key: &str) -> Result<Option<u64>> {
        let mut w = self.write().await?;
        let mut over: Option<u64> = None;
        let mut first_of_minute = None;
        for key in [address_key, account_key] {
            let row = sqlx::query(self.sql(
                "INSERT INTO sign_in_attempts (subject, minute, attempts) \
                 VALUES ($1, NOW_MS / 60000, 1) \
                 ON CONFLICT (subject, minute) DO UPDATE \
                 SET attempts = sign_in_attempts.attempts + 1 \
                 RETURNING attempts, minute, NOW_MS AS now",
            ))
            .bind(key)
            .fetch_one(&mut *w.tx)
            .await?;
            let attempts: i64 = row.try_get("attempts")?;
            let minute: i64 = row.try_get("minute")?;
            let now: i64 = row.try_get("now")?;
            if attempts > SIGN_IN_ATTEMPTS_PER_MINUTE {
                // Allowed again when this minute of the database's clock is over.
                let wait_ms = ((minute + 1) * MINUTE_MS - now).max(1);
                let secs = u64::try_from((wait_ms + 999) / 1000).unwrap_or(60);
                over = Some(over.map_or(secs, |o| o.max(secs)));
            }
            if attempts == 1 && first_of_minute.is_none() {
                first_of_minute = Some(minute);
            }
        }
        w.commit().await?;
        if let Some(minute) = first_of_minute {
            // Old counts are of no use; once a minute per key is often enough to drop them.
            // Outside the counting transaction, so it never holds the counters' locks.
            if let Err(e) = sqlx::query("DELETE FROM sign_in_attempts WHERE minute < $1")
                .bind(minute - 2)
                .execute(self.pool())
                .await
            {
                tracing::debug!("old sign-in counts not removed: {e}");
            }
        }
        Ok(over)
    }

    /// Makes the session, in one transaction that locks the user's row and checks that the
    /// password verified is still theirs and that they were not disabled meanwhile (a
    /// concurrent change of password or disable ends sessions in its own transaction;
    /// this one must not slip a new one past it).
    async fn open_session(
        &self,
        agent_id: i64,
        verified_hash: &str,
        device: &str,
        address: &str,
    ) -> Result<SignedIn, SignInError> {
        let (token, token_hash) = new_token()?;
        let mut w = self.write().await?;
        let row = sqlx::query(self.sql(&format!(
            "SELECT {USER_COLUMNS}, NOW_MS AS now FROM agents a WHERE a.id = $1 LOCK_WAIT"
        )))
        .bind(agent_id)
        .fetch_optional(&mut *w.tx)
        .await
        .map_err(super::StoreError::from)?;
        let Some(row) = row else {
            return Err(SignInError::BadCredentials);
        };
        let hash: Option<String> = row
            .try_get("password_hash")
            .map_err(super::StoreError::from)?;
        if hash.as_deref() != Some(verified_hash) {
            return Err(SignInError::BadCredentials);
        }
        let user = user_from_row(&row)?;
        if user.disabled {
            return Err(SignInError::Disabled);
        }
        let now: i64 = row.try_get("now").map_err(super::StoreError::from)?;
        let limits = SessionLimits::from_options(
            option_on(&mut *w.tx, OPT_SESSION_IDLE_HOURS, Some(agent_id))
                .await?
                .as_deref(),
            option_on(&mut *w.tx, OPT_SESSION_MAX_DAYS, Some(agent_id))
                .await?
                .as_deref(),
        );
        let (idle_expires_ms, absolute_expires_ms) = limits.expiries(now);
        let session_id: i64 = sqlx::query_scalar(
            "INSERT INTO sessions (agent_id, token_sha256, device, address, created_ms, \
             last_seen_ms, idle_expires_ms, absolute_expires_ms) \
             VALUES ($1, $2, $3, $4, $5, $5, $6, $7) RETURNING id",
        )
        .bind(agent_id)
        .bind(&token_hash)
        .bind(device)
        .bind(address)
        .bind(now)
        .bind(idle_expires_ms)
        .bind(absolute_expires_ms)
        .fetch_one(&mut *w.tx)
        .await
        .map_err(super::StoreError::from)?;
        w.commit().await?;
        Ok(SignedIn {
            token,
            session: SessionUser { session_id, user },
            idle_expires_ms,
            absolute_expires_ms,
        })
    }
}
