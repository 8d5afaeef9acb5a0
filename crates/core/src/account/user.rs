//! A user as administrators see them: the agent, their role, whether they may sign in and
//! where their password stands. The store reads them; the admin commands show them, on the
//! server's host or through the server.

use super::Role;
use crate::Agent;
use serde::{Deserialize, Serialize};

/// Where a user's password stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PasswordState {
    /// None set (made before accounts, or by the demo): they cannot sign in.
    Unset,
    Set,
    /// A one-time password was given; it must be changed at the first sign-in.
    MustChange,
}

impl PasswordState {
    pub fn as_str(self) -> &'static str {
        match self {
            PasswordState::Unset => "no password",
            PasswordState::Set => "password set",
            PasswordState::MustChange => "one-time password",
        }
    }
}

/// A user as administrators see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub agent: Agent,
    pub role: Role,
    pub disabled: bool,
    pub password: PasswordState,
}
