//! The errors of the console's data: cloneable, so they travel inside UI messages, and
//! structured, so each screen can word them for the agent. Every variant displays as one
//! readable line.

use super::RuleError;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Callers branch on the variant, never on the text: each is worded once, here.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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
    /// The input breaks a rule that has a kind and a figure (a limit, an empty field).
    #[error("{}", invalid_line(field.as_deref(), &rule.to_string()))]
    Rule {
        field: Option<String>,
        rule: RuleError,
    },
    /// Someone else changed it first (a chat taken, a transfer already waiting).
    #[error("{0}")]
    Conflict(String),
    /// The chat has ended: nothing more can be sent to it, transferred or ended.
    #[error("this chat has ended")]
    Ended,
    /// The chat is not (or no longer) this agent's: it was transferred or went back to a queue.
    #[error("this chat is no longer yours: it was transferred")]
    NotYours,
    /// The session on the team's server ended (`None`: the token opens nothing): the
    /// console goes back to its sign-in screen.
    #[error("{}", signed_out_line(*why))]
    SignedOut {
        why: Option<crate::account::SessionEnd>,
    },
    /// The server refused the action for this user (see `account::authorize`).
    #[error("{0}")]
    Denied(crate::account::Denied),
    /// The agent chosen for a transfer is not available (away or offline).
    #[error("{name} is not available now")]
    TargetAway { name: String },
    /// The agent chosen for a transfer has no free slot.
    #[error("{name} is at capacity and cannot take another chat")]
    TargetBusy { name: String },
    /// Someone else saved this record first; `version` is the one now stored, to reload.
    #[error(
        "someone else saved this {what} first (it is now at version {version}); reload it to see their changes"
    )]
    EditConflict { what: String, version: i64 },
    /// The database (or, for a team's desktop, the server) is out of reach or timed out:
    /// worth retrying later. The text says which, and why.
    #[error("{0}")]
    Unavailable(String),
    /// Any other database error, as the driver worded it.
    #[error("database error: {0}")]
    Database(String),
}

fn signed_out_line(why: Option<crate::account::SessionEnd>) -> &'static str {
    match why {
        Some(why) => why.sentence(),
        None => "You are not signed in.",
    }
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

    /// A rule broken by one field.
    pub fn rule_field(field: impl Into<String>, rule: RuleError) -> Self {
        StoreError::Rule {
            field: Some(field.into()),
            rule,
        }
    }

    /// The field the error belongs next to, when there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            StoreError::Invalid { field, .. } | StoreError::Rule { field, .. } => field.as_deref(),
            _ => None,
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
            StoreError::Rule { rule, .. } => rule.to_string(),
            other => other.to_string(),
        }
    }
}

impl From<RuleError> for StoreError {
    fn from(rule: RuleError) -> Self {
        StoreError::Rule { field: None, rule }
    }
}

impl From<super::records::FieldError> for StoreError {
    fn from((field, message): super::records::FieldError) -> Self {
        StoreError::invalid_field(field, message)
    }
}

/// Why an accept did not go through. Each reads as one sentence to the agent.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wording_once() {
        assert_eq!(StoreError::Ended.to_string(), "this chat has ended");
        assert_eq!(
            StoreError::TargetBusy {
                name: "James".into()
            }
            .to_string(),
            "James is at capacity and cannot take another chat"
        );
        assert_eq!(
            StoreError::TargetAway {
                name: "James".into()
            }
            .to_string(),
            "James is not available now"
        );
        let rule = StoreError::rule_field(
            "note",
            RuleError::TooLong {
                what: "note".into(),
                max: 2000,
            },
        );
        assert_eq!(
            rule.to_string(),
            "note: the note is longer than 2000 characters"
        );
        assert_eq!(rule.message(), "the note is longer than 2000 characters");
        assert_eq!(rule.field(), Some("note"));
    }

    #[test]
    fn crosses_as_json() {
        let e = AcceptError::Store(StoreError::EditConflict {
            what: "contact".into(),
            version: 7,
        });
        let json = serde_json::to_string(&e).expect("serializes");
        assert_eq!(
            json,
            r#"{"store":{"edit_conflict":{"what":"contact","version":7}}}"#
        );
        assert_eq!(serde_json::from_str::<AcceptError>(&json).ok(), Some(e));
        let taken = serde_json::to_string(&AcceptError::Taken).expect("serializes");
        assert_eq!(taken, r#""taken""#);
    }
}
