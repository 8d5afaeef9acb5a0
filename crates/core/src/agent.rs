//! Agents, their availability, and the queues they work.

use serde::{Deserialize, Serialize};

/// Agent availability; only `Available` receives offers.
#[derive(Debug, Clone, Serialize, Deserialize, Copy, PartialEq, Eq, Hash)]
pub enum AgentStatus {
    Available,
    Away,
    Offline,
}

impl AgentStatus {
    pub const ALL: [AgentStatus; 3] = [Self::Available, Self::Away, Self::Offline];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Available => "available",
            Self::Away => "away",
            Self::Offline => "offline",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "available" => Some(Self::Available),
            "away" => Some(Self::Away),
            "offline" => Some(Self::Offline),
            _ => None,
        }
    }
}

impl std::fmt::Display for AgentStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Available => "Available",
            Self::Away => "Away",
            Self::Offline => "Offline",
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Agent {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub status: AgentStatus,
    pub max_chats: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct QueueInfo {
    pub id: i64,
    pub name: String,
    pub agents: i64,
    pub queued: i64,
}

/// A queue at a glance: what waits, for how long, and who can take it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct QueueStat {
    pub id: i64,
    pub name: String,
    /// Chats waiting (queued or offered).
    pub waiting: i64,
    /// When the longest-waiting chat was queued (database clock), if any waits.
    pub oldest_ms: Option<i64>,
    /// Agents of the queue who are Available and have room for another chat.
    pub available: i64,
}

/// An agent as a transfer target: their availability and room.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AgentLoad {
    pub id: i64,
    pub name: String,
    pub status: AgentStatus,
    /// Chats they can still take (0 at capacity).
    pub free: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names are stored and typed on the command line; the toolbar shows the others.
    #[test]
    fn statuses_read_back_and_show() {
        let shown: Vec<_> = AgentStatus::ALL
            .iter()
            .map(|s| {
                assert_eq!(AgentStatus::parse(s.as_str()), Some(*s));
                assert_eq!(s.to_string().to_lowercase(), s.as_str());
                s.to_string()
            })
            .collect();
        assert_eq!(shown, ["Available", "Away", "Offline"]);
        for junk in ["", "Available", "busy"] {
            assert_eq!(AgentStatus::parse(junk), None);
        }
    }
}
