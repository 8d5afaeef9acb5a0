//! The errors of the console's data: cloneable, so they travel inside UI messages, and
//! structured, so each screen can word them for the agent. Every variant displays as one
//! readable line.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StoreError {
    /// The database URL or the local setup is wrong (before any connection).
    #[error("{0}")]
    Config(String),
    /// The database could not be opened at start.
    #[error("cannot open the database {0}")]
    Unreachable(String),
    /// The database was written by a newer livewindow.
    #[error("{0}")]
    SchemaNewer(String),
    #[error("database migration failed: {0}")]
    Migrate(String),
    /// What was asked for does not exist (any more).
    #[error("{0}")]
    NotFound(String),
    /// The input breaks a rule; `field` names the field when there is one.
    #[error("{}", invalid_line(field.as_deref(), message))]
    Invalid {
        field: Option<String>,
        message: String,
    },
    /// Someone else changed it first (an optimistic version check, a chat taken).
    #[error("{0}")]
    Conflict(String),
    /// The connection to the database is down or timed out: worth retrying later.
    #[error("the database cannot be reached ({0})")]
    Unavailable(String),
    /// Any other database error, as the driver worded it.
    #[error("database error: {0}")]
    Database(String),
}

fn invalid_line(field: Option<&str>, message: &str) -> String {
    match field {
        Some(f) => format!("{f}: {message}"),
        None => message.to_string(),
    }
}

impl StoreError {
    /// A rule broken by the input as a whole.
    pub fn invalid(message: impl Into<String>) -> Self {
        StoreError::Invalid {
            field: None,
            message: message.into(),
        }
    }

    /// A rule broken by one field, named as the agent sees it ("email", "first name").
    pub fn invalid_field(field: impl Into<String>, message: impl Into<String>) -> Self {
        StoreError::Invalid {
            field: Some(field.into()),
            message: message.into(),
        }
    }

    /// True when the database could not be reached: the operation may succeed later.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, StoreError::Unavailable(_))
    }

    /// The message without its field name, for showing next to that field.
    pub fn message(&self) -> String {
        match self {
            StoreError::Invalid { message, .. } => message.clone(),
            other => other.to_string(),
        }
    }
}

impl From<super::records::FieldError> for StoreError {
    fn from((field, message): super::records::FieldError) -> Self {
        StoreError::invalid_field(field, message)
    }
}

/// Why an accept did not go through. Each reads as one sentence to the agent.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AcceptError {
    #[error("this offer expired before it was accepted; the chat went back to the queue")]
    Expired,
    #[error("this chat was taken: it was already accepted")]
    Taken,
    #[error("the customer left before the chat was accepted")]
    CustomerLeft,
    #[error("this chat is no longer offered to you")]
    NotOffered,
    #[error(transparent)]
    Store(#[from] StoreError),
}
