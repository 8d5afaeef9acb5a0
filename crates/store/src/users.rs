//! Users: an agent row with a role, a password (an Argon2id hash) and an enabled flag (CRM
//! accounts are in `crm/accounts.rs`; these are the people who sign in).
//! Adding one, changing their password or role, disabling and listing them. Changing a
//! password or disabling a user ends their sessions in the same transaction.

use super::admin::{agent_from_row, email_taken};
use super::secrets::{hash_password, one_time_password, verify_password};
use super::{NewEvent, Result, Store, StoreError, WriteTx};
pub use livewindow_core::account::{PasswordState, User};
use livewindow_core::account::{check_password, check_password_change};
use livewindow_core::{AgentStatus, EventKind, Password, Role, SessionEnd};
use sqlx::Row;
use sqlx::any::AnyRow;

/// The password a new user starts with.
#[derive(Debug, Clone)]
pub enum InitialPassword {
    /// Chosen by the administrator (checked against the rules).
    Given(Password),
    /// Made up here and given back once; it must be changed at the first sign-in.
    OneTime,
}

/// A user to add.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub name: String,
    pub email: String,
    pub role: Role,
    pub max_chats: i64,
    /// Queues they work from the start.
    pub queues: Vec<i64>,
    pub password: InitialPassword,
}

/// The columns [`user_from_row`] reads.
pub(super) const USER_COLUMNS: &str = "a.id, a.name, a.email, a.status, a.max_chats, a.role, \
     a.password_hash, a.must_change_password, a.disabled";

pub(super) fn user_from_row(row: &AnyRow) -> Result<User> {
    let role: String = row.try_get("role")?;
    let hash: Option<String> = row.try_get("password_hash")?;
    let must_change: i64 = row.try_get("must_change_password")?;
    let disabled: i64 = row.try_get("disabled")?;
    Ok(User {
        agent: agent_from_row(row)?,
        // The column's CHECK allows only the three; an unknown one gives the fewest rights.
        role: role.parse().unwrap_or(Role::Agent),
        disabled: disabled != 0,
        password: match (hash, must_change != 0) {
            (None, _) => PasswordState::Unset,
            (Some(_), true) => PasswordState::MustChange,
            (Some(_), false) => PasswordState::Set,
        },
    })
}

fn checked(password: &Password) -> Result<()> {
    check_password(password.expose())
        .map_err(|e| StoreError::invalid_field("password", e.to_string()))
}

impl Store {
    /// Adds a user with their role, password and queues, in one transaction. Returns the
    /// account and, for [`InitialPassword::OneTime`], the password to hand over (shown
    /// once; only its hash is kept).
    pub async fn add_user(&self, user: &NewUser) -> Result<(User, Option<Password>)> {
        let name = livewindow_core::validate::name(&user.name)
            .map_err(|e| StoreError::rule_field("name", e))?;
        let email = livewindow_core::validate::email(&user.email)
            .map_err(|e| StoreError::rule_field("email", e))?;
        livewindow_core::limits::check_max_chats(user.max_chats)?;
        let (password, one_time) = match &user.password {
            InitialPassword::Given(p) => {
                checked(p)?;
                (p.clone(), None)
            }
            InitialPassword::OneTime => {
                let p = one_time_password()?;
                (p.clone(), Some(p))
            }
        };
        // Before the transaction: hashing is slow and must not hold the write lock.
        let hash = hash_password(&password).await?;
        let mut w = self.write().await?;
        if email_taken(&mut w, &email).await? {
            return Err(StoreError::invalid_field(
                "email",
                format!("a user with email {email} already exists"),
            ));
        }
        let id: i64 = sqlx::query_scalar(self.sql(
            "INSERT INTO agents (name, email, max_chats, role, password_hash, \
             must_change_password, created_ms) VALUES ($1, $2, $3, $4, $5, $6, NOW_MS) \
             RETURNING id",
        ))
        .bind(&name)
        .bind(&email)
        .bind(user.max_chats)
        .bind(user.role.as_str())
        .bind(&hash)
        .bind(i64::from(one_time.is_some()))
        .fetch_one(&mut *w.tx)
        .await?;
        for queue in &user.queues {
            sqlx::query(
                "INSERT INTO agent_queues (agent_id, queue_id) VALUES ($1, $2) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(id)
            .bind(queue)
            .execute(&mut *w.tx)
            .await
            .map_err(super::error::no_such_queue)?;
        }
        w.commit().await?;
        let user = self.user(id).await?;
        Ok((user, one_time))
    }

    /// Every user, by id.
    pub async fn users(&self) -> Result<Vec<User>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM agents a ORDER BY a.id"
        )))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(user_from_row).collect()
    }

    /// A user by email (case-insensitive) or exact name, as an administrator types them.
    pub async fn find_user(&self, who: &str) -> Result<User> {
        let agent = self.find_agent(who).await.map_err(|e| match e {
            StoreError::NotFound(_) => StoreError::NotFound(format!(
                "no user {:?}; `livewindow user list` shows the users",
                who.trim()
            )),
            other => other,
        })?;
        self.user(agent.id).await
    }

    pub async fn user(&self, agent_id: i64) -> Result<User> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM agents a WHERE a.id = $1"
        )))
        .bind(agent_id)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("no user with id {agent_id}")))?;
        user_from_row(&row)
    }

    /// Sets a user's password (checked against the rules) and ends all their sessions:
    /// whoever knew the old one is signed out everywhere.
    pub async fn set_password(&self, agent_id: i64, password: &Password) -> Result<()> {
        checked(password)?;
        let hash = hash_password(password).await?;
        self.store_password(agent_id, &hash, false).await
    }

    /// Gives a user a new one-time password (to be changed at their next sign-in) and ends
    /// all their sessions. Returns the password, to hand over once.
    pub async fn reset_password(&self, agent_id: i64) -> Result<Password> {
        let password = one_time_password()?;
        let hash = hash_password(&password).await?;
        self.store_password(agent_id, &hash, true).await?;
        Ok(password)
    }

    async fn store_password(&self, agent_id: i64, hash: &str, must_change: bool) -> Result<()> {
        let mut w = self.write().await?;
        let changed = sqlx::query(
            "UPDATE agents SET password_hash = $1, must_change_password = $2 WHERE id = $3",
        )
        .bind(hash)
        .bind(i64::from(must_change))
        .bind(agent_id)
        .execute(&mut *w.tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound(format!("no user with id {agent_id}")));
        }
        self.end_sessions_in(&mut w, agent_id, SessionEnd::PasswordChanged, None)
            .await?;
        w.commit().await
    }

    /// A signed-in user changes their own password (a one-time password must be, before
    /// the session may do anything else). `new` passes the rules and differs from
    /// `current`, which must be theirs. One transaction stores the new hash, clears
    /// `must_change_password` and ends the user's other sessions; `session_id`, the one
    /// that changed it, goes on.
    pub async fn change_own_password(
        &self,
        session_id: i64,
        agent_id: i64,
        current: &Password,
        new: &Password,
    ) -> Result<()> {
        check_password_change(current.expose(), new.expose())
            .map_err(|e| StoreError::invalid_field("new password", e.to_string()))?;
        let stored: Option<String> =
            sqlx::query_scalar("SELECT password_hash FROM agents WHERE id = $1")
                .bind(agent_id)
                .fetch_optional(self.pool())
                .await?
                .flatten();
        if !verify_password(current, stored.as_deref()).await? {
            return Err(StoreError::invalid_field(
                "current password",
                "this is not your current password",
            ));
        }
        let hash = hash_password(new).await?;
        let mut w = self.write().await?;
        let now: Option<Option<String>> = sqlx::query_scalar(
            self.sql("SELECT password_hash FROM agents WHERE id = $1 LOCK_WAIT"),
        )
        .bind(agent_id)
        .fetch_optional(&mut *w.tx)
        .await?;
        // The password verified must still be theirs: a concurrent change wins.
        if now.flatten() != stored {
            return Err(StoreError::Conflict(
                "the password was changed meanwhile; sign in again".into(),
            ));
        }
        sqlx::query("UPDATE agents SET password_hash = $1, must_change_password = 0 WHERE id = $2")
            .bind(&hash)
            .bind(agent_id)
            .execute(&mut *w.tx)
            .await?;
        self.end_sessions_in(
            &mut w,
            agent_id,
            SessionEnd::PasswordChanged,
            Some(session_id),
        )
        .await?;
        w.commit().await
    }

    /// Sets what a user may do. Their sessions stay: each request reads the role afresh.
    pub async fn set_role(&self, agent_id: i64, role: Role) -> Result<()> {
        let mut w = self.write().await?;
        let changed = sqlx::query("UPDATE agents SET role = $1 WHERE id = $2")
            .bind(role.as_str())
            .bind(agent_id)
            .execute(&mut *w.tx)
            .await?
            .rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound(format!("no user with id {agent_id}")));
        }
        w.commit().await
    }

    /// Disables a user (they cannot sign in; their sessions end; they go Offline, so they
    /// get no more offers) or enables them again. Returns false when nothing changed.
    pub async fn set_disabled(&self, agent_id: i64, disabled: bool) -> Result<bool> {
        let mut w = self.write().await?;
        let current: Option<i64> =
            sqlx::query_scalar(self.sql("SELECT disabled FROM agents WHERE id = $1 LOCK_WAIT"))
                .bind(agent_id)
                .fetch_optional(&mut *w.tx)
                .await?;
        let Some(current) = current else {
            return Err(StoreError::NotFound(format!("no user with id {agent_id}")));
        };
        if (current != 0) == disabled {
            return Ok(false);
        }
        if disabled {
            sqlx::query("UPDATE agents SET disabled = 1, status = $1 WHERE id = $2")
                .bind(AgentStatus::Offline.as_str())
                .bind(agent_id)
                .execute(&mut *w.tx)
                .await?;
            self.end_sessions_in(&mut w, agent_id, SessionEnd::Disabled, None)
                .await?;
            w.emit(EventKind::AgentStatus, NewEvent::agent(agent_id))
                .await?;
        } else {
            sqlx::query("UPDATE agents SET disabled = 0 WHERE id = $1")
                .bind(agent_id)
                .execute(&mut *w.tx)
                .await?;
        }
        w.commit().await?;
        Ok(true)
    }

    /// Ends every live session of a user inside a transaction, but `keep`; returns how many.
    pub(super) async fn end_sessions_in(
        &self,
        w: &mut WriteTx,
        agent_id: i64,
        why: SessionEnd,
        keep: Option<i64>,
    ) -> Result<u64> {
        Ok(sqlx::query(self.sql(
            "UPDATE sessions SET revoked_ms = NOW_MS, revoked_why = $1 \
             WHERE agent_id = $2 AND revoked_ms IS NULL AND id <> $3",
        ))
        .bind(why.as_str())
        .bind(agent_id)
        .bind(keep.unwrap_or(0))
        .execute(&mut *w.tx)
        .await?
        .rows_affected())
    }
}
