//! The rules of a transfer, as pure functions of what the store read under its locks: the
//! store asks them and records the outcome; they are tested here without a database.

use super::{AgentStatus, ChatState, OfferOutcome, StoreError};
use serde::{Deserialize, Serialize};

/// How a chat changed hands other than by routing.
#[derive(Debug, Clone, Serialize, Deserialize, Copy, PartialEq, Eq, Hash)]
pub enum TransferKind {
    /// An agent sent it to a queue.
    Queue,
    /// An agent offered it to another agent.
    Agent,
    /// Its agent's desktop went silent; it went back to its queue.
    Absent,
    /// A supervisor moved it to a queue.
    Supervisor,
}

impl TransferKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queue => "queue",
            Self::Agent => "agent",
            Self::Absent => "absent",
            Self::Supervisor => "supervisor",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "queue" => Some(Self::Queue),
            "agent" => Some(Self::Agent),
            "absent" => Some(Self::Absent),
            "supervisor" => Some(Self::Supervisor),
            _ => None,
        }
    }
}

/// What the next agent is told about a chat that comes from another.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Transfer {
    pub kind: TransferKind,
    /// Who sent it (none for a supervisor's move).
    pub from_agent: Option<String>,
    pub from_queue: String,
    pub note: String,
    /// The contact the first agent verified, if any.
    pub contact: Option<String>,
}

/// What became of a transfer offered to an agent.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TransferAnswer {
    pub to_agent: String,
    /// `None` while it waits for an answer.
    pub outcome: Option<OfferOutcome>,
    pub reason: Option<String>,
}

/// Where an agent can send a chat.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub enum TransferTarget {
    Queue(i64),
    Agent(i64),
}

/// What a transfer needs to know about the chat, read with the chat's row locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChatHold {
    pub state: ChatState,
    /// The agent the chat is active with.
    pub owner: Option<i64>,
    /// The agent a transfer is waiting on, if one is.
    pub pending: Option<i64>,
}

/// An agent may transfer only their own active chat, and one transfer at a time.
pub fn may_transfer(chat: ChatHold, agent_id: i64) -> Result<(), StoreError> {
    match chat.state {
        ChatState::Ended => return Err(StoreError::Ended),
        ChatState::Active if chat.owner == Some(agent_id) => {}
        _ => return Err(StoreError::NotYours),
    }
    if chat.pending.is_some() {
        return Err(StoreError::Conflict(
            "a transfer of this chat is already waiting for an answer".into(),
        ));
    }
    Ok(())
}

/// A supervisor may move any chat that has not ended.
pub fn may_move(chat: ChatHold) -> Result<(), StoreError> {
    if chat.state == ChatState::Ended {
        return Err(StoreError::Ended);
    }
    Ok(())
}

/// The colleague a chat is offered to, read with their row locked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub id: i64,
    pub name: String,
    pub status: AgentStatus,
    /// Free slots: their maximum less their chats, offers and wrap-ups.
    pub free: i64,
}

/// Whether `target` can be offered a chat by `from`: another agent, available, with room.
pub fn may_offer_to(target: &Target, from: i64) -> Result<(), StoreError> {
    if target.id == from {
        return Err(StoreError::invalid("choose another agent than yourself"));
    }
    if target.status != AgentStatus::Available {
        return Err(StoreError::TargetAway {
            name: target.name.clone(),
        });
    }
    if target.free <= 0 {
        return Err(StoreError::TargetBusy {
            name: target.name.clone(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn active(owner: i64) -> ChatHold {
        ChatHold {
            state: ChatState::Active,
            owner: Some(owner),
            pending: None,
        }
    }

    #[test]
    fn only_the_owner_of_an_active_chat_transfers_it() {
        assert_eq!(may_transfer(active(1), 1), Ok(()));
        assert_eq!(may_transfer(active(1), 2), Err(StoreError::NotYours));
        for state in [ChatState::Queued, ChatState::Offered] {
            let chat = ChatHold {
                state,
                owner: None,
                pending: None,
            };
            assert_eq!(may_transfer(chat, 1), Err(StoreError::NotYours));
        }
        let ended = ChatHold {
            state: ChatState::Ended,
            ..active(1)
        };
        assert_eq!(may_transfer(ended, 1), Err(StoreError::Ended));
    }

    #[test]
    fn one_transfer_at_a_time() {
        let waiting = ChatHold {
            pending: Some(3),
            ..active(1)
        };
        assert!(matches!(
            may_transfer(waiting, 1),
            Err(StoreError::Conflict(_))
        ));
    }

    #[test]
    fn a_supervisor_moves_anything_but_an_ended_chat() {
        for state in [ChatState::Queued, ChatState::Offered, ChatState::Active] {
            let chat = ChatHold {
                state,
                owner: None,
                pending: Some(2),
            };
            assert_eq!(may_move(chat), Ok(()));
        }
        let ended = ChatHold {
            state: ChatState::Ended,
            ..active(1)
        };
        assert_eq!(may_move(ended), Err(StoreError::Ended));
    }

    #[test]
    fn the_colleague_must_be_another_available_agent_with_room() {
        let james = Target {
            id: 2,
            name: "James".into(),
            status: AgentStatus::Available,
            free: 1,
        };
        assert_eq!(may_offer_to(&james, 1), Ok(()));
        assert!(matches!(
            may_offer_to(&james, 2),
            Err(StoreError::Invalid { .. })
        ));
        for status in [AgentStatus::Away, AgentStatus::Offline] {
            let away = Target {
                status,
                ..james.clone()
            };
            assert_eq!(
                may_offer_to(&away, 1),
                Err(StoreError::TargetAway {
                    name: "James".into()
                })
            );
        }
        let full = Target {
            free: 0,
            ..james.clone()
        };
        assert_eq!(
            may_offer_to(&full, 1),
            Err(StoreError::TargetBusy {
                name: "James".into()
            })
        );
    }
}
