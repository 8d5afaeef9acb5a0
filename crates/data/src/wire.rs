//! The agents' API on the wire: one [`Command`] per [`crate::ConsoleData`] method, posted as
//! JSON to `/api/agent/{name}` with the session's token in `Authorization: Bearer`; the
//! answer is the method's value as JSON, or a [`Failure`] with a status. The server and the
//! desktop's client share these types, so the two cannot drift apart.

use livewindow_core::crm::{ContactDraft, RecordEdit, RecordKind};
use livewindow_core::history::{HistoryOf, HistoryQuery};
use livewindow_core::reply::ReplyDraft;
use livewindow_core::search::MessageQuery;
use livewindow_core::supervise::Supervision;
use livewindow_core::{
    AcceptError, AgentStatus, NewMessage, Role, SessionEnd, StoreError, TransferTarget,
};
use serde::{Deserialize, Serialize};

/// Where the agents' API lives on a server.
pub const API_PREFIX: &str = "/api/agent";

/// One action of a signed-in desktop. Externally tagged: `{"send": {"chat_id": 1, …}}`;
/// the tag is the last segment of the path it is posted to and the body is the rest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    Restore {},
    Tick {
        desk: String,
        measure: bool,
    },
    SetStatus {
        desk: String,
        status: AgentStatus,
    },
    Accept {
        chat_id: i64,
    },
    Decline {
        chat_id: i64,
        reason: Option<String>,
    },
    OpenChat {
        chat_id: i64,
        newest: usize,
    },
    EarlierMessages {
        chat_id: i64,
        before: i64,
        limit: usize,
    },
    MatchContact {
        email: String,
        name: String,
    },
    Send {
        chat_id: i64,
        message: NewMessage,
    },
    EndChat {
        chat_id: i64,
    },
    WrapUp {
        chat_id: i64,
        disposition: String,
        note: String,
    },
    TransferTargets {},
    Transfer {
        chat_id: i64,
        target: TransferTarget,
        note: String,
    },
    Typing {
        chat_id: i64,
    },
    Verify {
        chat_id: i64,
        contact_id: i64,
    },
    SearchContacts {
        query: String,
        limit: i64,
    },
    SearchAccounts {
        query: String,
        limit: i64,
    },
    CreateContact {
        draft: ContactDraft,
    },
    ScreenPop {
        contact_id: i64,
    },
    SaveRecord {
        edit: RecordEdit,
    },
    Record {
        kind: RecordKind,
        id: i64,
    },
    Monitor {
        chat_id: i64,
        newest: usize,
    },
    Supervise {
        act: Supervision,
    },
    AskHelp {
        chat_id: i64,
    },
    History {
        query: HistoryQuery,
    },
    PastChat {
        chat_id: i64,
        newest: usize,
    },
    SearchMessages {
        query: MessageQuery,
    },
    Replies {},
    AddReply {
        draft: ReplyDraft,
    },
    UpdateReply {
        id: i64,
        draft: ReplyDraft,
    },
    RemoveReply {
        id: i64,
    },
    ReplyUsed {
        id: i64,
    },
}

impl Command {
    /// The path segment and the body it is posted with.
    pub fn split(&self) -> Result<(String, serde_json::Value), serde_json::Error> {
        split_tagged(self)
    }

    /// The command posted to `name` with `body`: the server's reading of a request.
    pub fn join(name: &str, body: serde_json::Value) -> Result<Command, serde_json::Error> {
        join_tagged(name, body)
    }

    /// The chat it acts on, if any.
    pub fn chat_id(&self) -> Option<i64> {
        match self {
            Command::Accept { chat_id }
            | Command::Decline { chat_id, .. }
            | Command::OpenChat { chat_id, .. }
            | Command::EarlierMessages { chat_id, .. }
            | Command::Send { chat_id, .. }
            | Command::EndChat { chat_id }
            | Command::WrapUp { chat_id, .. }
            | Command::Transfer { chat_id, .. }
            | Command::Typing { chat_id }
            | Command::Verify { chat_id, .. }
            | Command::Monitor { chat_id, .. }
            | Command::AskHelp { chat_id } => Some(*chat_id),
            Command::Supervise { act } => act.chat_id(),
            // Chats from the same email are shown only to the agent holding the chat.
            Command::History { query } => match query.of {
                HistoryOf::SameEmailAs(chat_id) => Some(chat_id),
                HistoryOf::Contact(_) => None,
            },
            _ => None,
        }
    }
}

/// An externally tagged value (`{"send": {…}}`) as the path segment it is posted to and its
/// body: how every command of the agents' and the admins' APIs travels.
pub fn split_tagged<T: Serialize>(
    value: &T,
) -> Result<(String, serde_json::Value), serde_json::Error> {
    match serde_json::to_value(value)? {
        serde_json::Value::Object(map) if map.len() == 1 => match map.into_iter().next() {
            Some((name, body)) => Ok((name, body)),
            None => Err(serde::ser::Error::custom("an empty command")),
        },
        other => Err(serde::ser::Error::custom(format!(
            "a command serialized as {other}"
        ))),
    }
}

/// The tagged value posted to `name` with `body`: [`split_tagged`] undone.
pub fn join_tagged<T: serde::de::DeserializeOwned>(
    name: &str,
    body: serde_json::Value,
) -> Result<T, serde_json::Error> {
    let mut map = serde_json::Map::new();
    map.insert(name.to_string(), body);
    serde_json::from_value(serde_json::Value::Object(map))
}

/// `POST /api/agent/password`: the signed-in user changes their own password (the only
/// thing a session opened with a one-time password may do). Posted as its tag and body,
/// like a [`Command`]; the answer is `null`, and the session goes on.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OwnPassword {
    Password {
        current: livewindow_core::Password,
        new: livewindow_core::Password,
    },
}

/// `POST /api/agent/session`: signing in.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SignInRequest {
    pub email: String,
    pub password: String,
    /// The computer's name, shown in `livewindow session list`.
    pub device: String,
}

/// A signed-in session: the token is given here once.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SignInAnswer {
    pub token: String,
    pub agent_id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub must_change_password: bool,
    pub idle_expires_ms: i64,
    pub absolute_expires_ms: i64,
}

/// Why a sign-in was refused, as the client branches on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignInRefusal {
    BadCredentials,
    Disabled,
    TooManyAttempts { retry_after_secs: u64 },
}

/// A refused or failed request: one line to show, and its kind to branch on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    pub error: String,
    #[serde(flatten)]
    pub kind: FailureKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    Store(StoreError),
    Accept(AcceptError),
    SignIn(SignInRefusal),
    /// No session, or the session ended (`None`: the token opens nothing at all).
    Session(Option<SessionEnd>),
    /// The request itself was not understood (an unknown command, a malformed body).
    Request,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_splits_into_path_and_body_and_back() {
        let c = Command::Decline {
            chat_id: 4,
            reason: Some("busy".into()),
        };
        let (name, body) = c.split().expect("splits");
        assert_eq!(name, "decline");
        assert_eq!(body, serde_json::json!({"chat_id": 4, "reason": "busy"}));
        assert_eq!(Command::join(&name, body).expect("joins"), c);
        let (name, body) = Command::Restore {}.split().expect("splits");
        assert_eq!((name.as_str(), body), ("restore", serde_json::json!({})));
        assert!(Command::join("drop_tables", serde_json::json!({})).is_err());
        assert!(Command::join("end_chat", serde_json::json!({"chat_id": 1, "x": 2})).is_err());
    }

    #[test]
    fn failures_carry_their_kind() {
        let f = Failure {
            error: "This chat is not yours.".into(),
            kind: FailureKind::Store(StoreError::NotYours),
        };
        let json = serde_json::to_value(&f).expect("serializes");
        assert_eq!(
            json,
            serde_json::json!({"error": "This chat is not yours.", "store": "not_yours"})
        );
        let back: Failure = serde_json::from_value(json).expect("deserializes");
        assert_eq!(back, f);
    }
}
