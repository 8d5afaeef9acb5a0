//! Administration as an interface: users, sessions, agents, queues, dispositions, profile
//! options and chats, as the `livewindow user …`, `session …`, `agent …`, `queue …`,
//! `disposition …`, `option …` and `chat …` commands use them. Two implementations: the
//! store (on the server's host, with the database URL) and the client of the admins' API
//! (`--server URL`, with an administrator's kept session), so each command's code runs the
//! same either way and prints the same.
//!
//! Users, agents and queues are named as an administrator types them (an email or a name);
//! the implementation finds them, and a name that matches nothing is a
//! [`StoreError::NotFound`] worded once, in the store. On the wire each method is one
//! [`AdminCommand`], posted to `/api/admin/{name}` as the agents' [`crate::wire::Command`]s
//! are, and only an administrator's session may post them.

use crate::Reply;
use livewindow_core::account::User;
use livewindow_core::csat::{CsatFilter, CsatReport};
use livewindow_core::reply::{ReplyScope, StandardReply};
use livewindow_core::supervise::{AuditFilter, AuditRow};
use livewindow_core::{Agent, AgentStatus, Chat, ChatState, Password, QueueInfo, Role};
use serde::{Deserialize, Serialize};

/// Where the admins' API lives on a server.
pub const ADMIN_PREFIX: &str = "/api/admin";

/// Which chats a list shows (`livewindow chat list --state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChatFilter {
    State(ChatState),
    /// Ended, with the agent's wrap-up still to do.
    WrapUp,
}

impl ChatFilter {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "wrap-up" | "wrapup" => Some(Self::WrapUp),
            other => ChatState::parse(other).map(Self::State),
        }
    }
}

/// A user to add (`user add`, and `agent add`, which adds an agent-role user).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewAccount {
    pub name: String,
    pub email: String,
    pub role: Role,
    pub max_chats: i64,
    /// Queue ids, from [`AdminData::find_queues`].
    pub queues: Vec<i64>,
    /// `None`: a one-time password is made, to be changed at the first sign-in.
    pub password: Option<Password>,
}

/// A user after a change, and the one-time password made for them, if one was (shown once).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub user: User,
    pub one_time_password: Option<Password>,
}

/// A user after enabling or disabling them: `changed` is false when they already were.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Switched {
    pub user: User,
    pub changed: bool,
}

/// The sessions of a user that were ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Revoked {
    pub user: User,
    pub count: u64,
}

/// A signed-in session, as `session list` shows it (never its token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRow {
    pub id: i64,
    pub agent_id: i64,
    pub email: String,
    pub device: String,
    pub address: String,
    pub created_ms: i64,
    pub last_seen_ms: i64,
    pub idle_expires_ms: i64,
    pub absolute_expires_ms: i64,
}

/// A queue by id and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueRef {
    pub id: i64,
    pub name: String,
}

/// An agent and a queue after joining or leaving it: `changed` is false when the agent
/// did not work it (leaving).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub agent: Agent,
    pub queue: QueueRef,
    pub changed: bool,
}

/// An option's outcome, at site level (`agent` None) or for one agent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scoped<T> {
    pub agent: Option<Agent>,
    pub outcome: T,
}

/// One stored option: its name, the agent's email (`None` at site level), the value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionRow {
    pub name: String,
    pub email: Option<String>,
    pub value: String,
}

/// A standard reply as an administrator writes it (`reply add`, each item of `reply import`)
/// and as `reply export` prints it: its scope by the queue's name or the agent's email
/// (neither: the whole site), so a file moves between databases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyDoc {
    pub name: String,
    pub shortcut: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub folder: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
}

impl ReplyDoc {
    /// A stored reply as its file form (`reply export`).
    pub fn of(r: &StandardReply) -> ReplyDoc {
        let (queue, agent) = match r.scope {
            ReplyScope::Site => (None, None),
            ReplyScope::Queue(_) => (r.scope_name.clone(), None),
            ReplyScope::Agent(_) => (None, r.scope_name.clone()),
        };
        ReplyDoc {
            name: r.name.clone(),
            shortcut: r.shortcut.clone(),
            folder: r.folder.clone(),
            queue,
            agent,
            text: r.body_text.clone(),
            html: r.body_html.clone(),
        }
    }
}

/// What `reply import` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Imported {
    pub added: usize,
    /// Replies of the same shortcut in the same scope, replaced.
    pub replaced: usize,
}

/// Administration, by an administrator: every method acts with their rights.
pub trait AdminData: Send + Sync {
    /// The queues of these names (case-insensitive), in order; the first unknown one is
    /// refused. Checked before a password is asked.
    fn find_queues(&self, names: Vec<String>) -> Reply<Vec<QueueRef>>;

    fn add_user(&self, new: NewAccount) -> Reply<Account>;
    /// A user by email or exact name.
    fn user(&self, who: String) -> Reply<User>;
    fn users(&self) -> Reply<Vec<User>>;
    /// A new password (`None`: a one-time one); their sessions end.
    fn set_password(&self, who: String, password: Option<Password>) -> Reply<Account>;
    fn set_role(&self, who: String, role: Role) -> Reply<User>;
    /// Disables (their sessions end) or enables a user.
    fn set_disabled(&self, who: String, disabled: bool) -> Reply<Switched>;

    /// The live sessions, of one user when named.
    fn sessions(&self, who: Option<String>) -> Reply<Vec<SessionRow>>;
    /// Ends one session; false when there was no live session of that id.
    fn revoke_session(&self, id: i64) -> Reply<bool>;
    fn revoke_sessions_of(&self, who: String) -> Reply<Revoked>;

    fn agents(&self) -> Reply<Vec<Agent>>;
    fn set_agent_status(&self, who: String, status: AgentStatus) -> Reply<Agent>;
    fn set_max_chats(&self, who: String, max_chats: i64) -> Reply<Agent>;

    fn add_queue(&self, name: String) -> Reply<QueueRef>;
    fn queues(&self) -> Reply<Vec<QueueInfo>>;
    fn join_queue(&self, who: String, queue: String) -> Reply<Membership>;
    fn leave_queue(&self, who: String, queue: String) -> Reply<Membership>;

    fn add_disposition(&self, name: String) -> Reply<()>;
    fn dispositions(&self) -> Reply<Vec<String>>;
    fn remove_disposition(&self, name: String) -> Reply<()>;

    /// Sets a profile option at site level, or for `agent` (an email or a name).
    fn set_option(&self, name: String, value: String, agent: Option<String>) -> Reply<Scoped<()>>;
    /// The value in force (for `agent`, if named).
    fn option(&self, name: String, agent: Option<String>) -> Reply<Scoped<Option<String>>>;
    /// Removes the site value or the agent's override; false when there was none.
    fn unset_option(&self, name: String, agent: Option<String>) -> Reply<Scoped<bool>>;
    fn options(&self) -> Reply<Vec<OptionRow>>;

    /// The newest chats, of one queue and state when given.
    fn chats(
        &self,
        queue: Option<String>,
        state: Option<ChatFilter>,
        limit: i64,
    ) -> Reply<Vec<Chat>>;
    /// Moves a waiting or active chat to a queue (the customer is told); the queue's name.
    fn move_chat(&self, chat_id: i64, queue: String) -> Reply<String>;

    /// Gives a supervisor a queue to supervise (`on`), or takes it back.
    fn supervise_queue(&self, who: String, queue: String, on: bool) -> Reply<Membership>;
    /// The supervisors' actions, newest first (`livewindow audit list`).
    fn audit(&self, filter: AuditFilter) -> Reply<Vec<AuditRow>>;

    /// How many chats got each satisfaction rating (`livewindow report csat`).
    fn csat(&self, filter: CsatFilter) -> Reply<CsatReport>;
    /// Every standard reply, by folder and name.
    fn replies(&self) -> Reply<Vec<StandardReply>>;
    /// Adds a standard reply (an unknown variable in its text is refused).
    fn add_reply(&self, doc: ReplyDoc) -> Reply<StandardReply>;
    /// Removes the one reply of this name or shortcut (in the queue's or the agent's
    /// scope, when named; else in any); several matching is refused, naming their scopes.
    fn remove_reply(
        &self,
        which: String,
        queue: Option<String>,
        agent: Option<String>,
    ) -> Reply<StandardReply>;
    /// Adds replies, replacing those of the same shortcut and scope; all or nothing.
    fn import_replies(&self, docs: Vec<ReplyDoc>) -> Reply<Imported>;
}

/// One [`AdminData`] method on the wire: `{"set_role": {"who": "…", "role": "admin"}}`,
/// posted to `/api/admin/set_role` with the body `{"who": "…", "role": "admin"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum AdminCommand {
    FindQueues {
        names: Vec<String>,
    },
    AddUser {
        new: NewAccount,
    },
    User {
        who: String,
    },
    Users {},
    SetPassword {
        who: String,
        password: Option<Password>,
    },
    SetRole {
        who: String,
        role: Role,
    },
    SetDisabled {
        who: String,
        disabled: bool,
    },
    Sessions {
        who: Option<String>,
    },
    RevokeSession {
        id: i64,
    },
    RevokeSessionsOf {
        who: String,
    },
    Agents {},
    SetAgentStatus {
        who: String,
        status: AgentStatus,
    },
    SetMaxChats {
        who: String,
        max_chats: i64,
    },
    AddQueue {
        name: String,
    },
    Queues {},
    JoinQueue {
        who: String,
        queue: String,
    },
    LeaveQueue {
        who: String,
        queue: String,
    },
    AddDisposition {
        name: String,
    },
    Dispositions {},
    RemoveDisposition {
        name: String,
    },
    SetOption {
        name: String,
        value: String,
        agent: Option<String>,
    },
    Option {
        name: String,
        agent: Option<String>,
    },
    UnsetOption {
        name: String,
        agent: Option<String>,
    },
    Options {},
    Chats {
        queue: Option<String>,
        state: Option<ChatFilter>,
        limit: i64,
    },
    MoveChat {
        chat_id: i64,
        queue: String,
    },
    SuperviseQueue {
        who: String,
        queue: String,
        on: bool,
    },
    Audit {
        filter: AuditFilter,
    },
    Csat {
        filter: CsatFilter,
    },
    Replies {},
    AddReply {
        doc: ReplyDoc,
    },
    RemoveReply {
        which: String,
        queue: Option<String>,
        agent: Option<String>,
    },
    ImportReplies {
        docs: Vec<ReplyDoc>,
    },
}

impl AdminCommand {
    /// Every command's path segment, for the tests that try each route.
    pub const NAMES: [&'static str; 33] = [
        "find_queues",
        "add_user",
        "user",
        "users",
        "set_password",
        "set_role",
        "set_disabled",
        "sessions",
        "revoke_session",
        "revoke_sessions_of",
        "agents",
        "set_agent_status",
        "set_max_chats",
        "add_queue",
        "queues",
        "join_queue",
        "leave_queue",
        "add_disposition",
        "dispositions",
        "remove_disposition",
        "set_option",
        "option",
        "unset_option",
        "options",
        "chats",
        "move_chat",
        "supervise_queue",
        "audit",
        "csat",
        "replies",
        "add_reply",
        "remove_reply",
        "import_replies",
    ];
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{join_tagged, split_tagged};

    #[test]
    fn commands_travel_as_path_and_body_and_passwords_never_show_in_debug() {
        let c = AdminCommand::SetPassword {
            who: "ana@example.com".into(),
            password: Some(Password::new("tangerine-otter-42")),
        };
        let (name, body) = split_tagged(&c).expect("splits");
        assert_eq!(name, "set_password");
        assert_eq!(
            body,
            serde_json::json!({"who": "ana@example.com", "password": "tangerine-otter-42"})
        );
        assert_eq!(join_tagged::<AdminCommand>(&name, body).expect("joins"), c);
        assert!(!format!("{c:?}").contains("tangerine"), "{c:?}");
        let (name, body) = split_tagged(&AdminCommand::Users {}).expect("splits");
        assert_eq!((name.as_str(), body), ("users", serde_json::json!({})));
        assert!(join_tagged::<AdminCommand>("drop_tables", serde_json::json!({})).is_err());
    }

    #[test]
    fn the_names_are_the_commands() {
        for name in AdminCommand::NAMES {
            // Each name is a command (its fields aside): an unknown one fails differently.
            let e = join_tagged::<AdminCommand>(name, serde_json::json!({"x": 1})).unwrap_err();
            assert!(!e.to_string().contains("unknown variant"), "{name}: {e}");
        }
        let e = join_tagged::<AdminCommand>("nope", serde_json::json!({})).unwrap_err();
        assert!(e.to_string().contains("unknown variant"), "{e}");
    }
}
