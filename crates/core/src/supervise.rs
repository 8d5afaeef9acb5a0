//! Supervisors: the board of queues, agents and chats they watch, and what they may do to
//! a chat. The board is built on the server from one aggregate read, cut to each
//! supervisor's queues ([`Board::scoped`]) and sent as changes ([`Board::diff`]), which the
//! console applies ([`Board::apply`]): twenty supervisors watching cost the database one
//! read, not twenty. No IO.

use crate::{AgentStatus, NewMessage, TransferTarget};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A queue on the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueRow {
    pub id: i64,
    pub name: String,
    /// Chats queued, not offered yet.
    pub waiting: i64,
    /// When the longest-waiting chat (queued or offered) asked, on the database's clock.
    pub oldest_ms: Option<i64>,
    /// Chats being offered to an agent now.
    pub offering: i64,
    /// Agents of the queue who are Available and have room.
    pub available: i64,
    /// Chats requested in the last hour that were accepted, and of those within the
    /// service-level time; chats of the last hour that ended unanswered.
    pub answered_hour: i64,
    pub in_time_hour: i64,
    pub abandoned_hour: i64,
    /// Chats of the last hour still waiting past the service-level time (they count as missed).
    pub late_waiting: i64,
}

impl QueueRow {
    /// The share (0–100) of the last hour's chats accepted within the service-level time,
    /// of those answered, abandoned or still waiting past it; `None` with none of those.
    pub fn service_level(&self) -> Option<u32> {
        let all = self.answered_hour + self.abandoned_hour + self.late_waiting;
        (all > 0).then(|| (self.in_time_hour * 100 / all) as u32)
    }
}

/// An agent on the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentRow {
    pub id: i64,
    pub name: String,
    pub status: AgentStatus,
    /// Since when the status holds.
    pub status_ms: i64,
    pub chats: i64,
    pub wrapups: i64,
    pub max_chats: i64,
    /// The last sign of life from their desktop.
    pub last_seen_ms: i64,
    /// One of their chats asks for help.
    pub asking_help: bool,
    /// The queues they work, by id.
    pub queues: Vec<i64>,
}

/// Where a chat on the board is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Phase {
    Waiting,
    Offered,
    Active,
    WrapUp,
}

impl Phase {
    pub const ALL: [Phase; 4] = [Phase::Waiting, Phase::Offered, Phase::Active, Phase::WrapUp];
}

impl std::fmt::Display for Phase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Phase::Waiting => "Waiting",
            Phase::Offered => "Offered",
            Phase::Active => "Active",
            Phase::WrapUp => "Wrap-up",
        })
    }
}

/// A chat on the board: waiting, offered, active or in wrap-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatRow {
    pub id: i64,
    pub queue_id: i64,
    pub agent_id: Option<i64>,
    pub agent: Option<String>,
    pub customer: String,
    pub phase: Phase,
    /// Since when it is in its phase: asked (waiting, offered), accepted, ended.
    pub since_ms: i64,
    /// The customer's last message.
    pub customer_last_ms: Option<i64>,
    /// Since when its agent asks for help.
    pub help_ms: Option<i64>,
}

/// Which queues a supervisor sees: an administrator (or the one user of a desktop on its
/// own) all of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    All,
    Queues(BTreeSet<i64>),
}

impl Scope {
    pub fn covers(&self, queue: i64) -> bool {
        match self {
            Scope::All => true,
            Scope::Queues(q) => q.contains(&queue),
        }
    }

    /// Whether an agent who works `queues` is in sight.
    pub fn covers_any(&self, queues: &[i64]) -> bool {
        queues.iter().any(|q| self.covers(*q))
    }
}

/// The board as a supervisor sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Board {
    /// When it was read, on the database's clock.
    pub at_ms: i64,
    pub queues: BTreeMap<i64, QueueRow>,
    pub agents: BTreeMap<i64, AgentRow>,
    pub chats: BTreeMap<i64, ChatRow>,
}

/// What changed on a board since the last one sent: rows new or changed, ids gone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardDelta {
    pub at_ms: i64,
    pub queues: Vec<QueueRow>,
    pub agents: Vec<AgentRow>,
    pub chats: Vec<ChatRow>,
    pub gone_queues: Vec<i64>,
    pub gone_agents: Vec<i64>,
    pub gone_chats: Vec<i64>,
}

impl BoardDelta {
    /// Nothing changed but the clock.
    pub fn is_empty(&self) -> bool {
        self.queues.is_empty()
            && self.agents.is_empty()
            && self.chats.is_empty()
            && self.gone_queues.is_empty()
            && self.gone_agents.is_empty()
            && self.gone_chats.is_empty()
    }
}

/// Rows of `new` that differ from `old`, and the ids of `old` that `new` lacks.
fn changes<T: Clone + PartialEq>(
    old: &BTreeMap<i64, T>,
    new: &BTreeMap<i64, T>,
) -> (Vec<T>, Vec<i64>) {
    let changed = new
        .iter()
        .filter(|(id, row)| old.get(id) != Some(row))
        .map(|(_, row)| row.clone())
        .collect();
    let gone = old
        .keys()
        .filter(|id| !new.contains_key(id))
        .copied()
        .collect();
    (changed, gone)
}

impl Board {
    /// The part of the board a supervisor of `scope` sees: their queues, those queues'
    /// chats, and the agents who work one of them.
    pub fn scoped(&self, scope: &Scope) -> Board {
        if *scope == Scope::All {
            return self.clone();
        }
        Board {
            at_ms: self.at_ms,
            queues: keep(&self.queues, |q| scope.covers(q.id)),
            agents: keep(&self.agents, |a| scope.covers_any(&a.queues)),
            chats: keep(&self.chats, |c| scope.covers(c.queue_id)),
        }
    }

    /// What turns `self` into `new`.
    pub fn diff(&self, new: &Board) -> BoardDelta {
        let (queues, gone_queues) = changes(&self.queues, &new.queues);
        let (agents, gone_agents) = changes(&self.agents, &new.agents);
        let (chats, gone_chats) = changes(&self.chats, &new.chats);
        BoardDelta {
            at_ms: new.at_ms,
            queues,
            agents,
            chats,
            gone_queues,
            gone_agents,
            gone_chats,
        }
    }

    pub fn apply(&mut self, d: BoardDelta) {
        self.at_ms = d.at_ms;
        for id in d.gone_queues {
            self.queues.remove(&id);
        }
        for id in d.gone_agents {
            self.agents.remove(&id);
        }
        for id in d.gone_chats {
            self.chats.remove(&id);
        }
        self.queues.extend(d.queues.into_iter().map(|q| (q.id, q)));
        self.agents.extend(d.agents.into_iter().map(|a| (a.id, a)));
        self.chats.extend(d.chats.into_iter().map(|c| (c.id, c)));
    }
}

fn keep<T: Clone>(rows: &BTreeMap<i64, T>, f: impl Fn(&T) -> bool) -> BTreeMap<i64, T> {
    rows.iter()
        .filter(|(_, r)| f(r))
        .map(|(id, r)| (*id, r.clone()))
        .collect()
}

/// What a supervisor does to a chat or an agent; each is one transaction with its audit row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Supervision {
    /// Stops watching a chat opened with *Monitor*.
    StopMonitor {
        chat_id: i64,
    },
    /// A private line to the chat's agent; the customer never sees it.
    Whisper {
        chat_id: i64,
        text: String,
    },
    /// Enters the conversation: the customer sees the supervisor join.
    Join {
        chat_id: i64,
    },
    /// A line to the customer by a supervisor who joined.
    Say {
        chat_id: i64,
        message: NewMessage,
    },
    Leave {
        chat_id: i64,
    },
    /// Moves a chat to a queue or an agent ("Moved by a supervisor").
    Move {
        chat_id: i64,
        target: TransferTarget,
    },
    End {
        chat_id: i64,
    },
    /// Clears a request for help without whispering or joining.
    Dismiss {
        chat_id: i64,
    },
    SetStatus {
        agent_id: i64,
        status: AgentStatus,
    },
}

impl Supervision {
    /// The chat it acts on; `None` for an agent's status.
    pub fn chat_id(&self) -> Option<i64> {
        match self {
            Supervision::StopMonitor { chat_id }
            | Supervision::Whisper { chat_id, .. }
            | Supervision::Join { chat_id }
            | Supervision::Say { chat_id, .. }
            | Supervision::Leave { chat_id }
            | Supervision::Move { chat_id, .. }
            | Supervision::End { chat_id }
            | Supervision::Dismiss { chat_id } => Some(*chat_id),
            Supervision::SetStatus { .. } => None,
        }
    }

    /// What the audit records it as; `None` for a joined supervisor's lines (the transcript
    /// is their record).
    pub fn audit(&self) -> Option<AuditAction> {
        Some(match self {
            Supervision::StopMonitor { .. } => AuditAction::MonitorStop,
            Supervision::Whisper { .. } => AuditAction::Whisper,
            Supervision::Join { .. } => AuditAction::Join,
            Supervision::Say { .. } => return None,
            Supervision::Leave { .. } => AuditAction::Leave,
            Supervision::Move { .. } => AuditAction::Reassign,
            Supervision::End { .. } => AuditAction::End,
            Supervision::Dismiss { .. } => AuditAction::Dismiss,
            Supervision::SetStatus { .. } => AuditAction::StatusSet,
        })
    }
}

/// A supervisor's action, as the audit records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    MonitorStart,
    MonitorStop,
    Whisper,
    Join,
    Leave,
    Reassign,
    StatusSet,
    End,
    Dismiss,
}

impl AuditAction {
    pub const ALL: [AuditAction; 9] = [
        AuditAction::MonitorStart,
        AuditAction::MonitorStop,
        AuditAction::Whisper,
        AuditAction::Join,
        AuditAction::Leave,
        AuditAction::Reassign,
        AuditAction::StatusSet,
        AuditAction::End,
        AuditAction::Dismiss,
    ];

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::MonitorStart => "monitor_start",
            AuditAction::MonitorStop => "monitor_stop",
            AuditAction::Whisper => "whisper",
            AuditAction::Join => "join",
            AuditAction::Leave => "leave",
            AuditAction::Reassign => "reassign",
            AuditAction::StatusSet => "status_set",
            AuditAction::End => "end",
            AuditAction::Dismiss => "dismiss",
        }
    }

    pub fn parse(s: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

impl std::fmt::Display for AuditAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of the audit: who did what, when, to which chat or agent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub id: i64,
    pub at_ms: i64,
    pub actor_id: i64,
    pub actor: String,
    pub action: AuditAction,
    pub chat_id: Option<i64>,
    pub agent_id: Option<i64>,
    /// What was done: the status set, the queue or agent moved to, the whisper's text.
    pub detail: String,
}

/// Which audit rows to list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub since_ms: Option<i64>,
    /// The supervisor who acted (an email or a name, as an administrator types it).
    pub user: Option<String>,
    pub chat_id: Option<i64>,
    pub limit: i64,
}

#[cfg(test)]
mod tests;
