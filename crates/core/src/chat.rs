//! Chat life cycle: states, offer outcomes and the events every change emits.

use crate::transfer::Transfer;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Serialize, Deserialize, Copy, PartialEq, Eq, Hash)]
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
#[derive(Debug, Clone, Serialize, Deserialize, Copy, PartialEq, Eq, Hash)]
pub enum EndReason {
    /// The agent closed the conversation.
    AgentEnded,
    /// The customer left an active conversation.
    CustomerLeft,
    /// The customer gave up before any agent accepted.
    Abandoned,
    /// No agent took the chat within the queue's discard time.
    NoAgent,
}

impl EndReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AgentEnded => "agent_ended",
            Self::CustomerLeft => "customer_left",
            Self::Abandoned => "abandoned",
            Self::NoAgent => "no_agent",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "agent_ended" => Some(Self::AgentEnded),
            "customer_left" => Some(Self::CustomerLeft),
            "abandoned" => Some(Self::Abandoned),
            "no_agent" => Some(Self::NoAgent),
            _ => None,
        }
    }
}

impl EndReason {
    /// Why a chat in `state` ends when `by` ends it; `None` when it has already ended.
    pub fn when_ended(state: ChatState, by: Sender) -> Option<Self> {
        match (state, by) {
            (ChatState::Ended, _) => None,
            (ChatState::Active, Sender::Customer) => Some(Self::CustomerLeft),
            (ChatState::Active, _) => Some(Self::AgentEnded),
            (ChatState::Queued | ChatState::Offered, _) => Some(Self::Abandoned),
        }
    }
}

impl fmt::Display for EndReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::AgentEnded => "the agent ended the chat",
            Self::CustomerLeft => "the customer left",
            Self::Abandoned => "the customer left before an agent answered",
            Self::NoAgent => "no agent was free in time",
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Copy, PartialEq, Eq, Hash)]
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

#[derive(Debug, Clone, Serialize, Deserialize, Copy, PartialEq, Eq, Hash)]
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
#[derive(Debug, Clone, Serialize, Deserialize, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    ChatQueued,
    ChatOffered,
    OfferDeclined,
    OfferExpired,
    ChatAccepted,
    ChatTransferred,
    ChatEnded,
    /// The agent finished the chat's wrap-up: it no longer counts against their capacity.
    ChatClosed,
    Message,
    ContactVerified,
    AgentStatus,
    /// Someone is typing in a chat: the customer (no agent id) or an agent. Never the text.
    Typing,
    /// A supervisor (the agent id) started or stopped watching a chat.
    Watch,
    Unwatch,
    /// The chat's agent asked for help; a supervisor (the agent id) answered it.
    HelpAsked,
    HelpAnswered,
    /// The customer answered "How did we do?" after the chat ended.
    ChatRated,
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
            Self::ChatClosed => "chat_closed",
            Self::Message => "message",
            Self::ContactVerified => "contact_verified",
            Self::AgentStatus => "agent_status",
            Self::Typing => "typing",
            Self::Watch => "watch",
            Self::Unwatch => "unwatch",
            Self::HelpAsked => "help_asked",
            Self::HelpAnswered => "help_answered",
            Self::ChatRated => "chat_rated",
        }
    }

    /// Whether the event changes how many chats wait in the queues.
    pub fn changes_queues(self) -> bool {
        matches!(
            self,
            Self::ChatQueued
                | Self::ChatOffered
                | Self::ChatAccepted
                | Self::ChatEnded
                | Self::ChatClosed
                | Self::OfferDeclined
                | Self::OfferExpired
                | Self::ChatTransferred
        )
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
            "chat_closed" => Self::ChatClosed,
            "message" => Self::Message,
            "contact_verified" => Self::ContactVerified,
            "agent_status" => Self::AgentStatus,
            "typing" => Self::Typing,
            "watch" => Self::Watch,
            "unwatch" => Self::Unwatch,
            "help_asked" => Self::HelpAsked,
            "help_answered" => Self::HelpAnswered,
            "chat_rated" => Self::ChatRated,
            _ => return None,
        })
    }
}

/// One row of the event feed. `agent_id` is the agent the event concerns (the one offered,
/// accepting, declining or sending), `message_id` is set for `Message`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Event {
    pub id: i64,
    pub kind: EventKind,
    pub chat_id: Option<i64>,
    pub agent_id: Option<i64>,
    pub queue_id: Option<i64>,
    pub message_id: Option<i64>,
    pub created_ms: i64,
}

/// How a message's body is written: plain text, or the sanitized HTML subset of the
/// rich-text model. Stored in `messages.format`, so nobody has to guess from the HTML.
#[derive(Debug, Clone, Serialize, Deserialize, Copy, PartialEq, Eq, Hash, Default)]
pub enum MessageFormat {
    #[default]
    Plain,
    Html,
}

impl MessageFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Plain => "plain",
            Self::Html => "html",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "plain" => Some(Self::Plain),
            "html" => Some(Self::Html),
            _ => None,
        }
    }
}

/// A chat as the console and the customer see it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Chat {
    pub id: i64,
    pub queue_id: i64,
    pub queue_name: String,
    pub customer_name: String,
    pub customer_email: String,
    pub contact_id: Option<i64>,
    pub state: ChatState,
    pub end_reason: Option<EndReason>,
    pub agent_id: Option<i64>,
    pub agent_name: Option<String>,
    pub created_ms: i64,
    pub accepted_ms: Option<i64>,
    pub ended_ms: Option<i64>,
    /// When the agent finished the wrap-up; `None` while an ended chat is still in wrap-up.
    pub wrapped_ms: Option<i64>,
    pub disposition: Option<String>,
    /// The website that sent the customer signed their email (`--site-secret`).
    pub verified_by_site: bool,
}

impl Chat {
    /// Ended, and its agent has not finished the after-chat work: it still counts against
    /// their capacity.
    pub fn in_wrap_up(&self) -> bool {
        self.state == ChatState::Ended && self.agent_id.is_some() && self.wrapped_ms.is_none()
    }
}

/// One stored message of a chat's transcript.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Message {
    pub id: i64,
    pub chat_id: i64,
    pub client_id: String,
    pub sender: Sender,
    pub sender_name: String,
    pub format: MessageFormat,
    /// For agents only (a transfer's note): never shown to the customer.
    pub internal: bool,
    /// Sanitized HTML: the rich-text model's subset, or the escaped text of a plain message.
    pub body_html: String,
    pub body_text: String,
    pub created_ms: i64,
    /// A file the customer sent with the message (its bytes are read on their own).
    #[serde(default)]
    pub file: Option<crate::attachment::FileInfo>,
}

/// A message to send. `client_id` is made by the sender once per message and reused on a
/// retry, so a send that is repeated after a lost answer is stored once.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct NewMessage {
    pub client_id: String,
    pub sender: Sender,
    pub sender_name: String,
    pub agent_id: Option<i64>,
    /// The text; of a formatted message, its plain-text fallback.
    pub body_text: String,
    /// The sanitized HTML of a formatted message; `None` for plain text (the store writes
    /// the escaped text as its HTML form).
    pub body_html: Option<String>,
    /// For agents and supervisors only (an agent's private answer to a supervisor): never
    /// reaches the customer.
    #[serde(default)]
    pub internal: bool,
}

impl NewMessage {
    pub fn plain(sender: Sender, sender_name: &str, agent_id: Option<i64>, text: &str) -> Self {
        NewMessage {
            client_id: uuid::Uuid::new_v4().to_string(),
            sender,
            sender_name: sender_name.to_string(),
            agent_id,
            body_text: text.to_string(),
            body_html: None,
            internal: false,
        }
    }

    /// A formatted message: `html` is the sanitized HTML the rich-text model writes, `text`
    /// its plain-text fallback.
    pub fn rich(
        sender: Sender,
        sender_name: &str,
        agent_id: Option<i64>,
        html: String,
        text: String,
    ) -> Self {
        NewMessage {
            body_html: Some(html),
            ..NewMessage::plain(sender, sender_name, agent_id, &text)
        }
    }

    pub fn format(&self) -> MessageFormat {
        match self.body_html {
            Some(_) => MessageFormat::Html,
            None => MessageFormat::Plain,
        }
    }
}

/// How long an offer's card stays after its countdown runs out, in ms: the database's
/// expiry event may arrive a moment late (the sweep runs on a desk's tick), and a card that
/// vanished early would refuse an accept the store would still take.
pub const OFFER_CARD_GRACE_MS: i64 = 1500;

/// A pending offer of a chat to an agent.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Offer {
    pub chat_id: i64,
    pub agent_id: i64,
    pub queue_id: i64,
    pub queue_name: String,
    pub customer_name: String,
    pub customer_email: String,
    /// Database clock, ms since the epoch.
    pub deadline_ms: i64,
    pub offered_ms: i64,
    /// When the customer asked (or was put back in the queue by a transfer).
    pub requested_ms: i64,
    /// The customer's first message, if they wrote one.
    pub first_message: Option<String>,
    /// Set when the chat comes from another agent.
    pub transfer: Option<Transfer>,
    /// The website that sent the customer signed their email (`--site-secret`).
    pub verified_by_site: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transfer::TransferKind;

    /// Every name is stored in the database: each reads back as itself, and nothing else
    /// reads as one.
    #[test]
    fn stored_names_read_back() {
        use ChatState::*;
        for s in [Queued, Offered, Active, Ended] {
            assert_eq!(ChatState::parse(s.as_str()), Some(s));
        }
        for r in [
            EndReason::AgentEnded,
            EndReason::CustomerLeft,
            EndReason::Abandoned,
            EndReason::NoAgent,
        ] {
            assert_eq!(EndReason::parse(r.as_str()), Some(r));
        }
        for s in [Sender::Customer, Sender::Agent, Sender::System] {
            assert_eq!(Sender::parse(s.as_str()), Some(s));
        }
        for f in [MessageFormat::Plain, MessageFormat::Html] {
            assert_eq!(MessageFormat::parse(f.as_str()), Some(f));
        }
        for k in [
            TransferKind::Queue,
            TransferKind::Agent,
            TransferKind::Absent,
            TransferKind::Supervisor,
        ] {
            assert_eq!(TransferKind::parse(k.as_str()), Some(k));
        }
        let kinds = [
            EventKind::ChatQueued,
            EventKind::ChatOffered,
            EventKind::OfferDeclined,
            EventKind::OfferExpired,
            EventKind::ChatAccepted,
            EventKind::ChatTransferred,
            EventKind::ChatEnded,
            EventKind::ChatClosed,
            EventKind::Message,
            EventKind::ContactVerified,
            EventKind::AgentStatus,
            EventKind::Typing,
        ];
        for k in kinds {
            assert_eq!(EventKind::parse(k.as_str()), Some(k));
        }
        let mut names: Vec<_> = kinds.iter().map(|k| k.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), kinds.len(), "two kinds share a name");
        for junk in ["", "Queued", "closed", "wrap-up"] {
            assert_eq!(ChatState::parse(junk), None);
            assert_eq!(EndReason::parse(junk), None);
            assert_eq!(Sender::parse(junk), None);
            assert_eq!(MessageFormat::parse(junk), None);
            assert_eq!(TransferKind::parse(junk), None);
            assert_eq!(EventKind::parse(junk), None);
        }
        let outcomes = [
            OfferOutcome::Accepted,
            OfferOutcome::Declined,
            OfferOutcome::Expired,
            OfferOutcome::Withdrawn,
        ];
        let mut names: Vec<_> = outcomes.iter().map(|o| o.as_str()).collect();
        names.dedup();
        assert_eq!(names, ["accepted", "declined", "expired", "withdrawn"]);
    }

    /// Who ended a chat in which state decides what the customer and the agent are told.
    #[test]
    fn why_a_chat_ended() {
        use ChatState::*;
        use EndReason::*;
        let cases = [
            (Queued, Sender::Customer, Some(Abandoned)),
            (Offered, Sender::Customer, Some(Abandoned)),
            (Queued, Sender::System, Some(Abandoned)),
            (Active, Sender::Customer, Some(CustomerLeft)),
            (Active, Sender::Agent, Some(AgentEnded)),
            (Active, Sender::System, Some(AgentEnded)),
            (Ended, Sender::Customer, None),
            (Ended, Sender::Agent, None),
        ];
        for (state, by, reason) in cases {
            assert_eq!(
                EndReason::when_ended(state, by),
                reason,
                "{state:?} by {by:?}"
            );
        }
        // What the customer reads after "The chat has ended: ".
        let told: Vec<_> = [AgentEnded, CustomerLeft, Abandoned, NoAgent]
            .iter()
            .map(|r| r.to_string())
            .collect();
        assert_eq!(
            told,
            [
                "the agent ended the chat",
                "the customer left",
                "the customer left before an agent answered",
                "no agent was free in time"
            ]
        );
    }

    /// The queues panel re-counts on these, and only these.
    #[test]
    fn what_changes_the_queues() {
        use EventKind::*;
        for k in [
            ChatQueued,
            ChatOffered,
            ChatAccepted,
            ChatEnded,
            ChatClosed,
            OfferDeclined,
            OfferExpired,
            ChatTransferred,
        ] {
            assert!(k.changes_queues(), "{k:?}");
        }
        for k in [Message, ContactVerified, AgentStatus, Typing] {
            assert!(!k.changes_queues(), "{k:?}");
        }
    }

    /// An ended chat counts against its agent until the wrap-up is done.
    #[test]
    fn in_wrap_up() {
        let chat = Chat {
            id: 1,
            queue_id: 1,
            queue_name: "Support".into(),
            customer_name: "Ana".into(),
            customer_email: "ana@example.com".into(),
            contact_id: None,
            state: ChatState::Ended,
            end_reason: Some(EndReason::AgentEnded),
            agent_id: Some(7),
            agent_name: Some("Maria".into()),
            created_ms: 0,
            accepted_ms: Some(1),
            ended_ms: Some(2),
            wrapped_ms: None,
            disposition: None,
            verified_by_site: false,
        };
        assert!(chat.in_wrap_up());
        let wrapped = Chat {
            wrapped_ms: Some(3),
            ..chat.clone()
        };
        assert!(!wrapped.in_wrap_up());
        let nobody = Chat {
            agent_id: None,
            ..chat.clone()
        };
        assert!(!nobody.in_wrap_up(), "a chat nobody took has no wrap-up");
        let active = Chat {
            state: ChatState::Active,
            ..chat
        };
        assert!(!active.in_wrap_up());
    }

    #[test]
    fn a_message_says_its_format_and_has_its_own_id() {
        let plain = NewMessage::plain(Sender::Agent, "Maria", Some(7), "hi");
        assert_eq!(plain.format(), MessageFormat::Plain);
        assert_eq!(
            (
                plain.body_text.as_str(),
                plain.sender_name.as_str(),
                plain.agent_id
            ),
            ("hi", "Maria", Some(7))
        );
        let rich = NewMessage::rich(
            Sender::Agent,
            "Maria",
            None,
            "<p>hi</p>".into(),
            "hi".into(),
        );
        assert_eq!(rich.format(), MessageFormat::Html);
        assert_eq!(rich.body_html.as_deref(), Some("<p>hi</p>"));
        assert_eq!(rich.body_text, "hi");
        assert_ne!(plain.client_id, rich.client_id, "a retry id per message");
    }
}
