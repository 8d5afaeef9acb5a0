//! The console's one data interface. The console reaches everything it shows and changes
//! through a [`ConsoleData`] handle bound to one agent: the agent who signed in (in a team,
//! on the server) or the one chosen on this machine. No method takes an agent id, and the
//! handle's events are that agent's, each carrying what the console shows.
//!
//! Two implementations: the store (`livewindow_store::Desk`, one machine on the database)
//! and, for teams, a client of the agents' API. The types that cross it derive `serde`:
//! their JSON form (the wire format of the agents' API) is described in
//! `docs/ARCHITECTURE.md`.
//!
//! Methods take owned arguments and return `'static` futures, so the console's root can
//! hand them to `iced::Task::perform` as they are. Errors are the cloneable [`StoreError`]
//! (an accept's are [`AcceptError`]).

use futures::future::BoxFuture;
use futures::stream::BoxStream;
use livewindow_core::crm::{
    Account, Contact, ContactDraft, Record, RecordEdit, RecordKind, ScreenPop,
};
use livewindow_core::csat::Rating;
use livewindow_core::history::{HistoryPage, HistoryQuery, PastChat};
use livewindow_core::reply::{ReplyDraft, StandardReply};
use livewindow_core::search::{MessageHits, MessageQuery};
use livewindow_core::supervise::{BoardDelta, Supervision};
use livewindow_core::{
    AcceptError, Agent, AgentLoad, AgentStatus, Chat, Message, NewMessage, Offer, QueueStat,
    StoreError, TransferAnswer, TransferTarget,
};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

pub mod admin;
pub mod wire;

/// What a data call gives back, later.
pub type Reply<T> = BoxFuture<'static, Result<T, StoreError>>;

/// The interface, shared: cheap to clone into every task.
pub type Data = Arc<dyn ConsoleData>;

/// Everything the console starts from. Restoring claims the agent's desk: a console of
/// theirs open elsewhere stops.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Restored {
    pub agent: Agent,
    /// This console's desk id; its heartbeats and status changes carry it.
    pub desk: String,
    /// Database clock minus local clock, in ms: countdowns use the database's time.
    pub offset_ms: i64,
    /// The newest event: the console's feed starts after it.
    pub last_event: i64,
    /// The agent's chats: active and in wrap-up.
    pub chats: Vec<Chat>,
    pub offers: Vec<Offer>,
    /// The queues the agent works, at a glance.
    pub queues: Vec<QueueStat>,
    pub settings: Settings,
    /// Chats that went back to their queue while this agent's desktop was silent, not told
    /// yet.
    pub requeued: Vec<Requeued>,
    /// The agent may open the supervisor's board (a supervisor, an administrator, or the one
    /// user of a desktop on its own); their feed brings it.
    #[serde(default)]
    pub supervises: bool,
}

/// A chat a supervisor opened with *Monitor*: as it is, its newest messages, and its
/// verified contact's screen pop.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Monitored {
    pub chat: Chat,
    /// The newest messages, oldest first, private lines included.
    pub messages: Vec<Message>,
    pub earlier: usize,
    pub pop: Option<ScreenPop>,
}

/// An earlier chat opened read-only (the customer's history, a search's hit): the newest
/// messages, private lines only for those who were in it or supervise it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PastTranscript {
    pub chat: PastChat,
    /// The newest messages, oldest first.
    pub messages: Vec<Message>,
    /// How many older messages are not shown.
    pub earlier: usize,
}

/// A chat that went back to its queue while its agent's desktop was silent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requeued {
    pub chat_id: i64,
    pub customer: String,
    pub queue: String,
}

/// The agent's options the console follows, re-read once a minute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// `SVC_CHAT_CKEDITOR_ENABLED`: the composer is formatted.
    pub rich: bool,
    /// `SVC_CHAT_AUTO_AWAY_SECONDS`: idle seconds before Available turns Away (0: never).
    pub auto_away_secs: i64,
    /// The wrap-up form's dispositions.
    pub dispositions: Vec<String>,
}

/// What the frame's tick learned.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Tick {
    /// Another console of the agent took over: this one must stop.
    Superseded,
    Alive {
        /// The agent's status as stored (it may have been set elsewhere).
        status: AgentStatus,
        /// With `measure`: the clock offset and the settings.
        offset_ms: Option<i64>,
        settings: Option<Settings>,
    },
}

/// A contact search's answer: the first contacts by name, and whether more match (more
/// than shown is all the console says: an exact count over a million rows is a slow scan).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ContactMatches {
    pub contacts: Vec<Contact>,
    pub more: bool,
}

/// A chat opened in the console: its transcript, and (when it is not verified yet) the
/// contact that matches its customer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Opened {
    /// The newest messages (as many as asked for), oldest first.
    pub messages: Vec<Message>,
    /// How many older messages the chat has: [`ConsoleData::earlier_messages`] reads them.
    pub earlier: usize,
    pub candidate: Option<Contact>,
}

/// Why an offer made to the agent left their desk before they answered it here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OfferEnd {
    /// It ran out of time, whichever desktop noticed first.
    Expired,
    /// Declined (from another desktop of the agent's).
    Declined,
    /// Accepted (here or on another desktop of the agent's).
    Accepted,
    /// The customer left before it was accepted.
    CustomerLeft,
    /// The chat was moved elsewhere (a supervisor, the sender's desktop went silent).
    Moved,
}

/// One thing that happened at the agent's desk, with what the console shows: no event
/// needs a further read before it reaches the screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeskEvent {
    /// A chat is offered to the agent: a new request or a transfer.
    Offered(Offer),
    /// An offer to the agent ended before it was answered from this desk.
    OfferEnded { chat_id: i64, why: OfferEnd },
    /// One of the agent's chats as it is now: accepted on another desktop of theirs, or
    /// ended.
    ChatChanged(Chat),
    /// A new message in one of the agent's chats.
    Message(Message),
    /// The customer is typing in one of the agent's chats (never the text).
    CustomerTyping { chat_id: i64 },
    /// One of the agent's chats went back to a queue without them: a supervisor moved it,
    /// or the absent rule.
    ChatTaken { chat_id: i64 },
    /// The wrap-up of one of the agent's chats was completed for them (the maximum time).
    ChatClosed { chat_id: i64 },
    /// The agent offered a transfer of one of this agent's chats answered it.
    TransferAnswered {
        chat_id: i64,
        answer: TransferAnswer,
    },
    /// The agent as stored, after their status changed elsewhere.
    Status(Agent),
    /// The figures of the queues the agent works.
    Queues(Vec<QueueStat>),
    /// What changed on the supervisor's board (the first one: all of it).
    Board(BoardDelta),
    /// A supervisor took up the agent's request for help in a chat.
    HelpAnswered { chat_id: i64, by: String },
    /// The customer rated one of the agent's chats after it ended.
    ChatRated { chat_id: i64, rating: Rating },
}

/// A desk event and its place in the feed: the console resumes after the last `id` it saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedItem {
    pub id: i64,
    pub event: DeskEvent,
}

/// The agent's desk: every call acts as the agent the handle is bound to.
pub trait ConsoleData: std::fmt::Debug + Send + Sync + 'static {
    /// Names the database or server this desktop works on, for the session file (hashed
    /// there). Stable across releases.
    fn identity(&self) -> String;

    /// The agent's id, for the session file's name.
    fn agent_id(&self) -> i64;

    /// The agent, their chats and offers, and the clock offset, as the console opens.
    fn restore(&self) -> Reply<Restored>;

    /// The agent's events after feed id `after`, then each new one, in order and exactly
    /// once; errors (a lost connection) are items, and the stream catches up.
    fn events(&self, after: i64) -> BoxStream<'static, Result<FeedItem, StoreError>>;

    /// The desktop's share of the work, about once a second: says the desk is still there
    /// (and, on one machine, expires overdue offers, applies the presence rules and routes);
    /// with `measure`, also reads the clock offset and the agent's options.
    fn tick(&self, desk: String, measure: bool) -> Reply<Tick>;

    /// Sets the agent's status from this desk; false when another desk took over.
    fn set_status(&self, desk: String, status: AgentStatus) -> Reply<bool>;

    /// Accepts an offer made to the agent and reads the chat as it now is.
    fn accept(&self, chat_id: i64) -> BoxFuture<'static, Result<Chat, AcceptError>>;

    fn decline(&self, chat_id: i64, reason: Option<String>) -> Reply<()>;

    /// The transcript of one of the agent's chats, and its customer's matching contact when
    /// not verified.
    fn open_chat(&self, chat: Chat, newest: usize) -> Reply<Opened>;

    /// The `limit` messages of a chat just before message `before`, oldest first, and how
    /// many remain before those.
    fn earlier_messages(
        &self,
        chat_id: i64,
        before: i64,
        limit: usize,
    ) -> Reply<(Vec<Message>, usize)>;

    /// The contact that matches a customer: by email, then by name.
    fn match_contact(&self, email: String, name: String) -> Reply<Option<Contact>>;

    /// Sends a message as the agent in their chat; a repeated client id is stored once.
    /// The sender is always the bound agent, whatever `message` says. Gives the message id.
    fn send(&self, chat_id: i64, message: NewMessage) -> Reply<i64>;

    /// The agent ends their chat (it goes into their wrap-up).
    fn end_chat(&self, chat_id: i64) -> Reply<()>;

    /// The agent finishes the wrap-up of an ended chat.
    fn wrap_up(&self, chat_id: i64, disposition: String, note: String) -> Reply<()>;

    /// Every queue, and the other agents with their room, for the transfer dialog.
    fn transfer_targets(&self) -> Reply<(Vec<QueueStat>, Vec<AgentLoad>)>;

    /// Transfers the agent's chat to a queue or offers it to an agent, with a note for the
    /// next agent.
    fn transfer(&self, chat_id: i64, target: TransferTarget, note: String) -> Reply<()>;

    /// The agent is typing in a chat (the customer's page shows it); never the text.
    fn typing(&self, chat_id: i64) -> Reply<()>;

    /// Records the verified contact of the agent's chat.
    fn verify(&self, chat_id: i64, contact: Contact) -> Reply<Contact>;

    /// Contacts whose name, email, phone or account starts with `query`: at most `limit`,
    /// by name, and whether there are more.
    fn search_contacts(&self, query: String, limit: i64) -> Reply<ContactMatches>;

    fn search_accounts(&self, query: String, limit: i64) -> Reply<Vec<Account>>;

    fn create_contact(&self, draft: ContactDraft) -> Reply<Contact>;

    /// The verified contact's account, contacts, assets and work orders.
    fn screen_pop(&self, contact_id: i64) -> Reply<ScreenPop>;

    /// Saves a new record or an edit (checked against the version it started from) and
    /// reads it back.
    fn save_record(&self, edit: RecordEdit) -> Reply<Record>;

    /// One record as stored now.
    fn record(&self, kind: RecordKind, id: i64) -> Reply<Record>;

    /// Opens a chat of a supervised queue to watch it (the desk's feed follows it from
    /// now on): the chat, its newest messages and its screen pop.
    fn monitor(&self, chat_id: i64, newest: usize) -> Reply<Monitored>;

    /// A supervisor's action on a chat or an agent.
    fn supervise(&self, act: Supervision) -> Reply<()>;

    /// The agent asks the supervisors of the chat's queue for help.
    fn ask_help(&self, chat_id: i64) -> Reply<()>;

    /// A customer's earlier chats, newest first, one page.
    fn history(&self, query: HistoryQuery) -> Reply<HistoryPage>;

    /// An earlier chat's transcript, read-only: its newest `newest` messages.
    fn past_chat(&self, chat_id: i64, newest: usize) -> Reply<PastTranscript>;

    /// Searches the transcripts the agent may see: the chats they took part in; all of a
    /// queue's when they supervise it and filter by it; everything for an administrator.
    /// Private lines are never searched.
    fn search_messages(&self, query: MessageQuery) -> Reply<MessageHits>;
    /// The bytes of the file a customer sent with message `message_id`, in one of the
    /// agent's chats.
    fn message_file(&self, message_id: i64) -> Reply<Vec<u8>>;
    /// The standard replies the agent sees: the site's, their queues', their own.
    fn replies(&self) -> Reply<Vec<StandardReply>>;

    /// Adds a standard reply: the agent's own (site and queue replies are for
    /// administrators, `authorize`'s `ManageReply`).
    fn add_reply(&self, draft: ReplyDraft) -> Reply<StandardReply>;

    /// Changes a standard reply (the agent's own, unless an administrator).
    fn update_reply(&self, id: i64, draft: ReplyDraft) -> Reply<StandardReply>;

    /// Removes a standard reply (the agent's own, unless an administrator).
    fn remove_reply(&self, id: i64) -> Reply<()>;

    /// Counts one use of a reply the agent inserted.
    fn reply_used(&self, id: i64) -> Reply<()>;

    /// Ends the session this handle acts in, on a team's server (*Sign out*). On one
    /// machine there is no session: nothing to do.
    fn sign_out(&self) -> Reply<()> {
        Box::pin(async { Ok(()) })
    }
}
