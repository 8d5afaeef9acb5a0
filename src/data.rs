//! The console's one data interface. The console reaches everything it shows and changes
//! through [`ConsoleData`], one method per thing an agent does (accept and load a chat, load
//! a screen pop, the frame's tick…). [`crate::store::Store`] implements it for one machine
//! on the database; a network client of a team server will implement it for teams, and no
//! screen changes when it does.
//!
//! Methods take owned arguments and return `'static` futures, so the console's root can
//! hand them to `iced::Task::perform` as they are. Errors are the cloneable [`StoreError`]
//! (an accept's are [`AcceptError`]).

use crate::core::crm::{Account, Contact, ContactDraft, Record, RecordEdit, RecordKind, ScreenPop};
use crate::core::{
    AcceptError, Agent, AgentStatus, Chat, Event, Message, NewMessage, Offer, StoreError,
};
use futures::future::BoxFuture;
use futures::stream::BoxStream;
use std::sync::Arc;

/// What a data call gives back, later.
pub type Reply<T> = BoxFuture<'static, Result<T, StoreError>>;

/// The interface, shared: cheap to clone into every task.
pub type Data = Arc<dyn ConsoleData>;

/// Everything the console starts from.
#[derive(Debug, Clone)]
pub struct Restored {
    pub agent: Agent,
    /// Database clock minus local clock, in ms: countdowns use the database's time.
    pub offset_ms: i64,
    /// The newest event: the console's feed starts after it.
    pub last_event: i64,
    pub chats: Vec<Chat>,
    pub offers: Vec<Offer>,
    pub waiting: i64,
    /// `SVC_CHAT_CKEDITOR_ENABLED` for this agent.
    pub rich: bool,
}

/// What the frame's tick learned. The measurements are taken only when asked for (once a
/// minute).
#[derive(Debug, Clone, Default)]
pub struct Tick {
    pub offset_ms: Option<i64>,
    pub rich: Option<bool>,
}

/// A chat opened in the console: its transcript, and (when it is not verified yet) the
/// contact that matches its customer.
#[derive(Debug, Clone)]
pub struct Opened {
    pub messages: Vec<Message>,
    pub candidate: Option<Contact>,
}

pub trait ConsoleData: std::fmt::Debug + Send + Sync + 'static {
    /// Names the database this desktop works on, for the session file (hashed there) and
    /// the event feed's identity. Stable across releases.
    fn identity(&self) -> String;

    /// The agent, their chats and offers, and the clock offset, as the console opens.
    fn restore(&self, agent_id: i64) -> Reply<Restored>;

    /// Every event after `after_id`, then each new one as it is committed, in order and
    /// exactly once; errors (a lost connection) are items, and the stream catches up.
    fn events(&self, after_id: i64) -> BoxStream<'static, Result<Event, StoreError>>;

    /// The desktop's share of the work, about once a second: says it is still there,
    /// expires overdue offers and routes; with `measure`, also reads the clock offset and
    /// the agent's options.
    fn tick(&self, agent_id: i64, measure: bool) -> Reply<Tick>;

    /// Chats waiting in all queues.
    fn waiting(&self) -> Reply<i64>;

    fn set_status(&self, agent_id: i64, status: AgentStatus) -> Reply<()>;

    /// The pending offer of a chat, if it still has one.
    fn offer(&self, chat_id: i64) -> Reply<Option<Offer>>;

    /// Accepts an offer and reads the chat as it now is.
    fn accept(&self, chat_id: i64, agent_id: i64) -> BoxFuture<'static, Result<Chat, AcceptError>>;

    fn decline(&self, chat_id: i64, agent_id: i64, reason: Option<String>) -> Reply<()>;

    fn chat(&self, chat_id: i64) -> Reply<Chat>;

    fn message(&self, message_id: i64) -> Reply<Message>;

    /// The transcript of a chat, and its customer's matching contact when not verified.
    fn open_chat(&self, chat: Chat) -> Reply<Opened>;

    /// The contact that matches a customer: by email, then by name.
    fn match_contact(&self, email: String, name: String) -> Reply<Option<Contact>>;

    /// Sends a message; a repeated client id is stored once. Gives the message id.
    fn send(&self, chat_id: i64, message: NewMessage) -> Reply<i64>;

    /// The agent ends the chat.
    fn end_chat(&self, chat_id: i64) -> Reply<()>;

    /// The agent is typing in a chat (the customer's page shows it); never the text.
    fn typing(&self, chat_id: i64, agent_id: i64) -> Reply<()>;

    /// Records the verified contact of the agent's chat.
    fn verify(&self, chat_id: i64, agent_id: i64, contact: Contact) -> Reply<Contact>;

    fn search_contacts(&self, query: String, limit: i64) -> Reply<Vec<Contact>>;

    fn search_accounts(&self, query: String, limit: i64) -> Reply<Vec<Account>>;

    fn create_contact(&self, draft: ContactDraft) -> Reply<Contact>;

    /// The verified contact's account, contacts, assets and work orders.
    fn screen_pop(&self, contact_id: i64) -> Reply<ScreenPop>;

    /// Saves a new record or an edit (checked against the version it started from) and
    /// reads it back.
    fn save_record(&self, edit: RecordEdit) -> Reply<Record>;

    /// One record as stored now.
    fn record(&self, kind: RecordKind, id: i64) -> Reply<Record>;
}
