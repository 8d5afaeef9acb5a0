//! Chat life cycle: states, offer outcomes and the events every change emits.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChatState {
    Queued,
    Offered,
    Active,
    Ended,
}

impl ChatState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Offered => "offered",
            Self::Active => "active",
            Self::Ended => "ended",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "queued" => Some(Self::Queued),
            "offered" => Some(Self::Offered),
            "active" => Some(Self::Active),
            "ended" => Some(Self::Ended),
            _ => None,
        }
    }
}

/// Why a chat ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EndReason {
    /// The agent closed the conversation.
    AgentEnded,
    /// The customer left an active conversation.
    CustomerLeft,
    /// The customer gave up before any agent accepted.
    Abandoned,
}

impl EndReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AgentEnded => "agent_ended",
            Self::CustomerLeft => "customer_left",
            Self::Abandoned => "abandoned",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "agent_ended" => Some(Self::AgentEnded),
            "customer_left" => Some(Self::CustomerLeft),
            "abandoned" => Some(Self::Abandoned),
            _ => None,
        }
    }
}

impl fmt::Display for EndReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::AgentEnded => "the agent ended the chat",
            Self::CustomerLeft => "the customer left",
            Self::Abandoned => "the customer left before an agent answered",
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OfferOutcome {
    Accepted,
    Declined,
    Expired,
    /// The customer left while the offer was pending.
    Withdrawn,
}

impl OfferOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accepted => "accepted",
            Self::Declined => "declined",
            Self::Expired => "expired",
            Self::Withdrawn => "withdrawn",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sender {
    Customer,
    Agent,
    System,
}

impl Sender {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Customer => "customer",
            Self::Agent => "agent",
            Self::System => "system",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "customer" => Some(Self::Customer),
            "agent" => Some(Self::Agent),
            "system" => Some(Self::System),
            _ => None,
        }
    }
}

/// What an event says happened. Stored as text in `events.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    ChatQueued,
    ChatOffered,
    OfferDeclined,
    OfferExpired,
    ChatAccepted,
    ChatTransferred,
    ChatEnded,
    Message,
    ContactVerified,
    AgentStatus,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ChatQueued => "chat_queued",
            Self::ChatOffered => "chat_offered",
            Self::OfferDeclined => "offer_declined",
            Self::OfferExpired => "offer_expired",
            Self::ChatAccepted => "chat_accepted",
            Self::ChatTransferred => "chat_transferred",
            Self::ChatEnded => "chat_ended",
            Self::Message => "message",
            Self::ContactVerified => "contact_verified",
            Self::AgentStatus => "agent_status",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "chat_queued" => Self::ChatQueued,
            "chat_offered" => Self::ChatOffered,
            "offer_declined" => Self::OfferDeclined,
            "offer_expired" => Self::OfferExpired,
            "chat_accepted" => Self::ChatAccepted,
            "chat_transferred" => Self::ChatTransferred,
            "chat_ended" => Self::ChatEnded,
            "message" => Self::Message,
            "contact_verified" => Self::ContactVerified,
            "agent_status" => Self::AgentStatus,
            _ => return None,
        })
    }
}

/// One row of the event feed. `agent_id` is the agent the event concerns (the one offered,
/// accepting, declining or sending), `message_id` is set for `Message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub id: i64,
    pub kind: EventKind,
    pub chat_id: Option<i64>,
    pub agent_id: Option<i64>,
    pub queue_id: Option<i64>,
    pub message_id: Option<i64>,
    pub created_ms: i64,
}
