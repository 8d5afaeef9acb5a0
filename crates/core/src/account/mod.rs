//! Accounts: who may sign in and what they may do. Roles, the password rules, the secrets
//! (passwords and session tokens, which never show in a log or a `Debug`), why a sign-in
//! fails and when a session ends. No IO: the store hashes and keeps them.

mod authorize;
mod password;
mod session;
mod user;

pub use authorize::{Act, Caller, ChatParties, Denied, authorize};

pub use password::{
    MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, PasswordError, check_password, check_password_change,
};
pub use session::{SLIDE_EVERY_MS, SessionEnd, SessionLimits, session_verdict, slid_idle_expiry};
pub use user::{PasswordState, User};

use super::StoreError;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// What a signed-in user may do. Checked on the server for every action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Takes chats in their queues.
    #[default]
    Agent,
    /// An agent who also supervises queues.
    Supervisor,
    /// Manages users, queues, options, dispositions and sessions.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Agent, Role::Supervisor, Role::Admin];

    /// The stored and typed spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role name that is none of `agent`, `supervisor`, `admin`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown role {0:?}: use agent, supervisor or admin")]
pub struct UnknownRole(pub String);

impl std::str::FromStr for Role {
    type Err = UnknownRole;

    /// Case-insensitive, surrounding spaces ignored.
    fn from_str(s: &str) -> Result<Role, UnknownRole> {
        let wanted = s.trim().to_ascii_lowercase();
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == wanted)
            .ok_or_else(|| UnknownRole(s.to_string()))
    }
}

/// A secret string: a password or a session token. It never shows in a `Debug` (logs,
/// panics, error reports print `***`) and has no `Display`; `expose` is the one way to read
/// it, so each reading is visible in the code. It serializes as the plain string, for the
/// wire (a password an administrator sets through the server) and the kept session.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Secret {
        Secret(value)
    }
}

/// A password as typed (sign-in) or chosen (checked with [`check_password`] first).
pub type Password = Secret;
/// The opaque token a sign-in gives: 256 random bits. The database keeps only its SHA-256.
pub type SessionToken = Secret;

/// Why a sign-in was refused. Each reads as one sentence to the person signing in.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SignInError {
    /// The same words for an unknown email and a wrong password, so an answer never tells
    /// which emails have accounts.
    #[error("the email or the password is not right")]
    BadCredentials,
    /// Only said after the right password was given.
    #[error("this account is disabled; ask an administrator")]
    Disabled,
    #[error("too many sign-in attempts; try again in {retry_after_secs} s")]
    TooManyAttempts { retry_after_secs: u64 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_and_show() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
            assert_eq!(role.to_string(), role.as_str());
        }
        assert_eq!(" Admin ".parse::<Role>(), Ok(Role::Admin));
        let e = "boss".parse::<Role>().unwrap_err();
        assert_eq!(e, UnknownRole("boss".into()));
        assert_eq!(
            e.to_string(),
            "unknown role \"boss\": use agent, supervisor or admin"
        );
        assert_eq!(Role::default(), Role::Agent);
    }

    #[test]
    fn roles_serialize_in_snake_case() {
        let json = serde_json::to_string(&Role::Supervisor).unwrap();
        assert_eq!(json, "\"supervisor\"");
        let back: Role = serde_json::from_str("\"admin\"").unwrap();
        assert_eq!(back, Role::Admin);
    }

    #[test]
    fn secrets_never_show_in_debug() {
        let token = SessionToken::new("0123456789abcdef");
        let password = Password::new("correct horse battery staple");
        assert_eq!(format!("{token:?}"), "***");
        assert_eq!(format!("{:?}", Some(&password)), "Some(***)");
        assert_eq!(password.expose(), "correct horse battery staple");
    }
}
